from django.apps import AppConfig


class TransfersConfig(AppConfig):
    """The files a child takes to their next school (P14), each on its own: the child-protection
    file (the DSL's) and the main pupil record (the office's); signed by this school, encrypted to
    the receiving one, tracked until its receipt; and files received, imported."""

    name = "transfers"

    def ready(self):
        from confidentiality import extensions

        # The dashboard panels, and the kinds of record on the retention schedule.
        from . import panels, retention  # noqa: F401
        from .policy import may_move_records, may_transfer

        extensions.add_menu_entry(27, "Transfers", "transfers:home", may_transfer)
        extensions.add_menu_entry(
            28, "Pupil records to and from schools", "transfers:records_home", may_move_records
        )
