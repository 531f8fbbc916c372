"""gunicorn's access log with a reset or confirmation token in a page's path hidden, by the same
function as the application's own log (``confidentiality.secret_paths``)."""

from gunicorn.glogging import Logger


class MaskedPathLogger(Logger):
    @staticmethod
    def path_atom(path: str) -> str:
        try:
            from confidentiality.secret_paths import masked

            return masked(path)
        except Exception:  # noqa: BLE001 (a log line must never fail, nor show the token)
            return "-"

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = self.path_atom(atoms.get("U", ""))
        return atoms
