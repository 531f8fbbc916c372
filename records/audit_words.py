"""What the records app's audit entries mean, in words, for the audit trail
(``confidentiality.audit.words``): ``{(area, how): words}``, "" for any area."""

ACCESS_WORDS = {
    ("", "nhs-lookup"): "looked up the NHS number of",
    ("", "family-link-ended"): "ended a parent's link to",
    ("", "family-link-restored"): "restored a parent's link to",
    ("", "support-assigned"): "assigned support staff to",
    ("", "family-shared"): "shared a section with the family of",
    ("", "family-unshared"): "stopped sharing a section with the family of",
    ("", "import-grant"): "was given access by the import to",
    ("", "mis-import"): "imported from the school's MIS the account of",
    # Looks at lists (``record_list_look``): about no one record.
    ("", "student list"): "opened the list of students",
    ("", "meeting requests"): "opened the meeting requests",
    ("", "emergency search"): "searched for a child in an emergency",
    ("", "emergency access list"): "opened the list of emergency accesses",
}
