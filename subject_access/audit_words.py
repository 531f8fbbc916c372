"""What subject-access audit entries mean, in words, for the audit trail
(``confidentiality.audit.words``): ``{(area, how): words}``."""

ACCESS_WORDS = {
    ("", "subject-access requests"): "opened the list of subject-access requests",
    ("", "log"): "logged a subject-access request for",
    ("", "extend"): "extended the deadline of",
    ("", "status"): "moved on",
    ("", "assemble"): "gathered the file for",
    ("", "redact"): "changed what is sent or redacted in",
    ("", "preview"): "previewed the redacted answer to",
}
