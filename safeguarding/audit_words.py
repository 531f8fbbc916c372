"""What the safeguarding app's audit entries mean, in words, for the audit trail
(``confidentiality.audit.words``): ``{(area, how): words}``, "" for any area. A child opened as
safeguarding work (``area``) is opened for their safeguarding file: the chronology or the
profile."""

from .trail import AREA

ACCESS_WORDS = {
    (AREA, "view"): "opened the safeguarding file of",
    (AREA, "print"): "printed the safeguarding chronology of",
    (AREA, "export"): "opened the chronology PDF of",
    # Looks at lists (``record_list_look``): about no one record.
    (AREA, "safeguarding dashboard"): "opened the safeguarding dashboard",
    (AREA, "list of concerns about adults"): "opened the list of concerns about adults",
    (AREA, "my requests for advice"): "opened their own requests for advice",
    (AREA, "requests for advice"): "opened the requests for advice",
    (AREA, "my concerns"): "opened the concerns they raised",
    (AREA, "alert list"): "opened the safeguarding alerts",
    (AREA, "concern list"): "opened the list of concerns",
    (AREA, "child search for a concern"): "searched for a child to log a concern about",
    (AREA, "export concern list"): "exported the list of concerns",
    (AREA, "my safeguarding tasks"): "opened their safeguarding tasks",
    (
        AREA,
        "my safeguarding tasks (on the dashboard)",
    ): "saw their safeguarding tasks on the dashboard",
    ("", "record done"): "recorded as done",
}
