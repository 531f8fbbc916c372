"""What the governing body's audit entries mean, in words, for the audit trail
(``confidentiality.audit.words``): ``{(area, how): words}``."""

ACCESS_WORDS = {
    ("", "confidential minutes"): "read the confidential minutes of",
    ("", "minute made confidential"): "moved an item to the confidential minutes of",
    ("", "minute made public"): "moved an item back to the public minutes of",
    ("", "minutes approved"): "recorded the approval of the minutes of",
    ("", "minutes published"): "published the public minutes of",
    ("", "report sent"): "sent to governors",
}
