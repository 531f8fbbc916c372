"""What the transfers app's audit entries mean, in words, for the audit trail
(``confidentiality.audit.words``): ``{(area, how): words}``. Its looks are safeguarding work
(the safeguarding area), so the trail shows them only to those who may know of the file."""

from safeguarding.trail import AREA

ACCESS_WORDS = {
    (AREA, "sent"): "marked as sent the child-protection file of",
    (AREA, "receipt"): "recorded the receipt of the child-protection file of",
    (AREA, "imported"): "imported the child-protection file received for",
    (AREA, "collected"): "had collected through a one-time link the child-protection file of",
    # Looks at pages about no one child (``record_list_look``).
    (AREA, "transfers"): "opened the child-protection file transfers",
    (AREA, "transfer keys"): "opened this school's transfer keys",
    (AREA, "transfer keys file"): "downloaded this school's public transfer keys",
    (AREA, "partner schools"): "opened the partner schools",
    (AREA, "prepare transfer"): "opened the page to send a child-protection file",
    (AREA, "import transfer"): "opened the page to import a child-protection file",
    # The main pupil record (the office and the head teacher): looks at the pupil's record.
    ("", "record-export"): "prepared for another school the pupil record of",
    ("", "record-imported"): "imported the pupil record received for",
    ("", "record transfers"): "opened the pupil record transfers",
    ("", "prepare record transfer"): "opened the page to send a pupil record",
    ("", "import record transfer"): "opened the page to import a pupil record",
    ("", "record-sent"): "marked as sent to another school the pupil record of",
    ("", "record-receipt"): "recorded the other school's receipt of the pupil record of",
    ("", "record-collected"): "had collected through a one-time link the pupil record of",
}
