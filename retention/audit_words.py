"""What the retention app's audit entries mean, in words, for the audit trail
(``confidentiality.audit.words``): ``{(area, how): words}``."""

AREA = "retention"

ACCESS_WORDS = {
    (AREA, "retention report"): "opened the records due for deletion",
    (AREA, "retention rules"): "opened the retention rules",
    (AREA, "retention rule"): "opened a retention rule to change it",
    (AREA, "legal holds"): "opened the legal holds",
    (AREA, "place legal hold"): "opened the form to place a legal hold",
    (AREA, "retention review"): "opened a record due for review to decide on it",
    (AREA, "deletion certificates"): "opened the deletion certificates",
}
