"""Who an account appears to be: names, usernames and email addresses that cannot pass for
someone else's.

Two checks every route that creates or renames an account uses (the MIS imports above all):

- ``unsafe_characters(text)``: control characters (a CR/LF breaks every email naming the
  person), zero-width characters and bidirectional controls (they make one name look like
  another, or reverse part of it on screen) have no place in a name, a title or a username.
- ``lookalike_of(username=..., email=...)``: a username or email that is not another account's
  but *looks* the same (``tа`` with a Cyrillic "а" beside ``ta``) would let someone appear on
  the team page, in an email or in the audit trail as a colleague. Characters are compared by
  their Unicode look-alike ("confusable") skeleton, from the ``confusable-homoglyphs`` data
  (Unicode's confusables list, as django-registration uses). Email addresses are compared by
  the mailbox they reach (``mailbox``): ``Office+Supply@School.Invalid`` is delivered to
  ``office@school.invalid``, so it is the office's own address, not a new one.
- ``same_mailbox(a, b)``: the one test every import uses for "is this the importer's own
  address" (lower-case, ``+tag`` dropped, look-alike skeleton).
"""

import functools
import json
import unicodedata
from importlib import resources

from django.conf import settings
from django.contrib.auth import get_user_model

# Bidirectional controls and invisible characters that are not category Cc/Cf but still hide or
# reorder text.
_INVISIBLE = frozenset("\u115f\u1160\u2800\u3164\uffa0\u034f\u180e")

# ASCII characters that are look-alikes once case is ignored: a capital I, a one and a bar pass
# for a small L ("dsI" for "dsl"), a zero for an O ("0ffice"). Case is ignored first (addresses
# and usernames are compared without it), so a small i folds with them too.
_ASCII_FOLD = {"1": "l", "i": "l", "|": "l", "0": "o"}


def unsafe_characters(text: str) -> list[str]:
    """The characters of ``text`` that may not be in a name, named as a person reads them
    ("a line break", "U+200B ZERO WIDTH SPACE"); empty when the text is safe."""
    found = []
    for char in text or "":
        category = unicodedata.category(char)
        if char in "\r\n":
            name = "a line break"
        elif char == "\t":
            name = "a tab"
        elif category in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"} or char in _INVISIBLE:
            name = f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"
        else:
            continue
        if name not in found:
            found.append(name)
    return found


@functools.cache
def _homoglyphs() -> dict[str, str]:
    """Each non-ASCII character that looks like an ASCII one, mapped to that ASCII character."""
    data = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    table = {}
    for char, alikes in data.items():
        if len(char) != 1:
            continue
        if char.isascii():
            # The list of an ASCII character names the non-ASCII ones that look like it.
            for alike in alikes:
                glyph = alike["c"].strip("\u200e")
                if len(glyph) == 1 and not glyph.isascii():
                    table.setdefault(glyph, char)
        else:
            for alike in alikes:
                glyph = alike["c"].strip("\u200e")
                if len(glyph) == 1 and glyph.isascii() and glyph.isprintable():
                    table[char] = glyph
                    break
    return table


@functools.lru_cache(maxsize=65536)  # an import compares each row with every account
def skeleton(text: str) -> str:
    """What ``text`` looks like: compatibility forms folded (NFKC), case ignored, invisible
    characters dropped, each look-alike replaced by the ASCII character it imitates."""
    table = _homoglyphs()
    out = []
    for char in unicodedata.normalize("NFKC", text or ""):
        if unicodedata.category(char) in {"Cf", "Cc", "Mn"} or char in _INVISIBLE:
            continue  # invisible, or a combining mark drawn on the previous letter
        if not char.isascii():
            char = table.get(char, table.get(char.lower(), char))
        for folded in char.casefold():
            out.append(_ASCII_FOLD.get(folded, folded))
    return "".join(out)


def mailbox(address: str) -> str:
    """The mailbox an address reaches: case ignored and the ``+tag`` dropped
    (``Jo+School@X.org`` is delivered to ``jo@x.org``). Text without an "@" is returned
    case-folded."""
    local, at, domain = (address or "").strip().casefold().rpartition("@")
    if not at:
        return domain
    return f"{local.split('+', 1)[0]}@{domain}"


def mailbox_skeleton(address: str) -> str:
    """What the mailbox of ``address`` looks like: the key the look-alike checks compare."""
    return mailbox(skeleton(address))


def same_mailbox(first: str | None, second: str | None) -> bool:
    """True when the two addresses reach, or look as if they reach, the same mailbox: the one
    test for "this is the importer's own address" (P10)."""
    return bool(first and second) and mailbox_skeleton(first) == mailbox_skeleton(second)


def _staff_addresses() -> set[str]:
    """Addresses the school's own messages come from: nobody's account may imitate them."""
    return {
        address
        for address in (
            getattr(settings, "DEFAULT_FROM_EMAIL", ""),
            getattr(settings, "SERVER_EMAIL", ""),
        )
        if address and "@" in address
    }


def _imitates(candidate: str, existing: str) -> bool:
    """Plain ASCII is no excuse: "dsI" (capital I) passes for "dsl", "0ffice" for "office",
    and "office+supply@school" reaches the office's mailbox."""
    if not candidate or not existing or candidate.casefold() == existing.casefold():
        return False
    return mailbox_skeleton(candidate) == mailbox_skeleton(existing)


def lookalike_of(username: str | None = None, email: str | None = None, exclude_pk=None):
    """The existing username or email address (or school address) that ``username`` or
    ``email`` looks like without being it, or None. Identical values (ignoring case) are not
    look-alikes: they are the same account, or a duplicate the caller reports as such.
    ``exclude_pk`` is the account being changed (its own username is no look-alike of itself)."""
    if not username and not email:
        return None
    accounts = get_user_model().objects.all()
    if exclude_pk is not None:
        accounts = accounts.exclude(pk=exclude_pk)
    wanted = {}
    if username:
        wanted[mailbox_skeleton(username)] = username
    if email:
        wanted[mailbox_skeleton(email)] = email
    # Compare in Python: a school has hundreds of accounts, and a database cannot compute a
    # skeleton. Only values whose skeleton matches are compared exactly.
    values = [*_staff_addresses()]
    for other_username, other_email in accounts.values_list("username", "email").iterator():
        values.append(other_username)
        if other_email:
            values.append(other_email)
    for existing in values:
        candidate = wanted.get(mailbox_skeleton(existing))
        if candidate is not None and _imitates(candidate, existing):
            return existing
    return None


def is_mixed_script_lookalike(text: str) -> bool:
    """True when ``text`` mixes scripts with characters that imitate another script's letters
    (``pаypal`` with one Cyrillic "а"): never a real person's username or address."""
    from confusable_homoglyphs import confusables

    return bool(text) and bool(confusables.is_dangerous(text))
