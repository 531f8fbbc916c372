"""What an encrypted attribute holds when this server cannot open its value.

One field that cannot be opened (its key is not on this server, or the ciphertext is damaged or
was copied from elsewhere) must not take the whole page down: the attribute becomes an
``Unreadable``, which shows as a clear message where the value would be, keeps the ciphertext so
that saving the row leaves the value exactly as it was, and refuses to be replaced (a form
showing the message must not overwrite the real value with it).
"""

from .keyring import KeyUnavailable, Sealed


class Unreadable(str):
    """A stand-in for a value that could not be opened. Its text is the message to show.

    It is a string, so a template prints the message (``{% if value.unreadable %}`` tells it
    apart). Variants for dates and JSON values follow.
    """

    unreadable = True

    def __new__(cls, sealed: Sealed, where: str, key_missing: bool):
        key = sealed.key_id
        if key_missing:
            text = (
                "This information cannot be opened on this server: the key ‘"
                f"{key}’ is missing. Tell the IT administrator."
            )
        else:
            text = (
                "This information cannot be opened on this server: it does not match its key ‘"
                f"{key}’ (damaged, or copied from another record). Tell the IT administrator."
            )
        value = super().__new__(cls, text)
        value.sealed = sealed
        value.where = where
        value.key_missing = key_missing
        return value

    @property
    def key_id(self) -> str:
        return self.sealed.key_id

    def __getnewargs__(self):
        # Pickled as what it stands for, never as the message (which is not data).
        return (self.sealed, self.where, self.key_missing)


class UnreadableDate(Unreadable):
    """An unreadable date: the message, but false, so code that skips a missing date (``if
    student.date_of_birth``) skips it instead of comparing a date with a sentence."""

    def __bool__(self):
        return False


class UnreadableData(Unreadable):
    """An unreadable JSON value: it also answers ``get`` and ``[key]`` (the message again, so
    each entry of a record section shows it) and ``items``/``keys``/``values`` and iteration
    (nothing), so code reading into it shows the message or nothing, never a 500."""

    # --- read as if it were an empty JSON object or list -------------------------------------
    def get(self, key, default=None):
        return self

    def __getitem__(self, key):
        if key == "unreadable":  # a template's ``value.unreadable`` looks here first
            return True
        if isinstance(key, str):
            return self
        return super().__getitem__(key)

    def items(self):
        return ()

    def keys(self):
        return ()

    def values(self):
        return ()

    def __iter__(self):
        return iter(())


class UnreadableNotReplaced(KeyUnavailable):
    """Something tried to overwrite a value this server could not open. Refused: the real value
    is still in the database and opens again once the key is back."""

    def __init__(self, where: str, key_id: str):
        self.where = where
        self.key_id = key_id
        super().__init__(
            "Part of this record cannot be opened on this server (the key ‘"
            f"{key_id}’ is missing or does not match), so it cannot be changed here. Nothing has "
            "been saved. Tell the IT administrator."
        )


def is_unreadable(value) -> bool:
    return getattr(value, "unreadable", False) is True


__all__ = [
    "Unreadable",
    "UnreadableData",
    "UnreadableDate",
    "UnreadableNotReplaced",
    "is_unreadable",
]
