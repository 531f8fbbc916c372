"""Checking uploaded files before anything of them is kept, and handing a kept file back.

A file is recognised by its first bytes (what it is), never by its name or the type the browser
claims, so a renamed script or an HTML page cannot be stored and later served as a "photo".
"""

import io

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.cache import add_never_cache_headers

# First bytes -> (content type, the extension a download gets, what people call it)
SIGNATURES = {
    b"%PDF-": ("application/pdf", ".pdf", "PDF"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png", "PNG"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg", "JPEG"),
    b"GIF87a": ("image/gif", ".gif", "GIF"),
    b"GIF89a": ("image/gif", ".gif", "GIF"),
}
MEGABYTE = 1024 * 1024


def detect_content_type(head: bytes, allowed=None) -> str | None:
    """The content type these first bytes belong to (among ``allowed``), or None."""
    for signature, (content_type, _, _) in SIGNATURES.items():
        if head.startswith(signature) and (allowed is None or content_type in allowed):
            return content_type
    return None


def extension_for(content_type: str) -> str:
    return next((ext for ct, ext, _ in SIGNATURES.values() if ct == content_type), ".bin")


def describe(allowed) -> str:
    """ "PDF, JPEG or PNG", in the order given."""
    labels = {ct: label for ct, _, label in SIGNATURES.values()}
    names = [labels[ct] for ct in allowed]
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


def too_large_message(size: int, max_bytes: int, name: str = "The file") -> str:
    return f"{name} is {size / MEGABYTE:.1f} MB; the largest allowed is {max_bytes // MEGABYTE} MB."


def check_upload(
    data: bytes, *, allowed, max_bytes: int, name: str = "The file", what: str = "", hint: str = ""
) -> str:
    """Refuse an empty, oversized or unexpected file with a clear message; return its type.

    ``what`` names the accepted kinds for people ("a photo or a PDF"); ``hint`` says what to do.
    """
    if not data:
        raise ValidationError(f"{name} is empty.")
    if len(data) > max_bytes:
        raise ValidationError(too_large_message(len(data), max_bytes, name))
    content_type = detect_content_type(data[:16], allowed)
    if content_type is None:
        message = f"{name} is not {what or 'a ' + describe(allowed)}."
        raise ValidationError(f"{message} {hint}".strip())
    return content_type


def download(data: bytes, *, content_type: str, filename: str) -> FileResponse:
    """A confidential file for the browser to save, never to show or keep: sent as an attachment
    under ``filename`` (quoted, or encoded when it is not plain ASCII), never sniffed as another
    type, never cached. The view has opened (and audited) what it belongs to first."""
    response = FileResponse(
        io.BytesIO(bytes(data)), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response
