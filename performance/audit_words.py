"""What the performance app's audit entries mean, in words, for the audit trail
(``confidentiality.audit.words``): ``{(area, how): words}``."""

from .trail import AREA

ACCESS_WORDS = {
    (AREA, "view"): "opened",
    (AREA, "edit"): "opened to work on",
    (AREA, "download"): "downloaded an observation sheet from",
    # Looks at lists (``record_list_look``): about no one file.
    (AREA, "performance files"): "opened their performance files",
    (AREA, "performance overview"): "opened the performance review overview",
}
