"""Paths that carry a secret (a password reset's token, an email change's confirmation token, a
child-protection file's one-time link) written to a log, or an audit entry, with the secret
replaced: anyone who reads the log could otherwise use it (or, for the link, end it with wrong
passphrases).

Which pages carry one is said once, by their URL names; the parts of the path the pattern takes
as arguments are the secret ones, so a new secret page needs only its name added here.
"""

from django.urls import Resolver404, resolve, reverse

SECRET_ROUTES = frozenset({"password_reset_confirm", "change_email_confirm", "transfers:collect"})
HIDDEN = "hidden"


def masked(path: str | None) -> str | None:
    """``path`` with the arguments of a secret page replaced by ``HIDDEN``; any other path as
    it is."""
    if not path:
        return path
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return _hidden(match, path)


def masked_path_of(request) -> str:
    """``masked(request.path)``, from the match the request was served by when it has one (every
    audited look does: no second resolving of its path)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return masked(request.path)
    return _hidden(match, request.path)


def _hidden(match, path: str) -> str:
    """``path`` (served by ``match``) with a secret page's arguments replaced."""
    if match.view_name not in SECRET_ROUTES:
        return path
    return reverse(
        match.view_name, args=[HIDDEN] * len(match.args), kwargs=dict.fromkeys(match.kwargs, HIDDEN)
    )
