"""Sessions kept in the database sealed, like every confidential value.

A session holds, between two pages, the message an action left for the next one ("Child in need
recorded", "… can no longer read the family section"), the sign-in and the second factor.
Django writes it signed but readable (base64 of JSON), so a copy of the database would show
whatever messages were waiting when it was taken. Here Django's own signed form is sealed with
the field keys (``crypto.keyring``) before it is stored, and opened when it is read; a session
that does not open (sealed with a key this server no longer has, or written before this store)
is an empty one, as Django treats a session whose signature fails: its holder signs in again.

Sealed with the newest key this server holds, not the school's recorded sealing key: during a
key rotation a server still on the old ring must keep answering (moving a session's idle clock
writes it), and a session lives half an hour, so retiring a key at most signs its holders out.
``rotate_keys`` leaves sessions alone for the same reason."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from confidentiality.crypto.keyring import DecryptionError, Sealed, keyring

# What a sealed session is bound to: one of these never opens as a field's value, nor the reverse.
CONTEXT = "django_session.session_data"


class SessionStore(DatabaseSessionStore):
    def encode(self, session_dict) -> str:
        return keyring().seal(super().encode(session_dict), CONTEXT).token

    def decode(self, session_data: str) -> dict:
        try:
            signed = keyring().open(Sealed(session_data), CONTEXT, "a session")
        except DecryptionError:
            return {}
        return super().decode(signed)
