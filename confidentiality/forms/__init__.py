"""The core's forms, one module per page they serve, named as the views that show them are
(``confidentiality.views``): ``accounts`` (a first or new password, "Change my email address"),
``agreement`` (accepting and publishing it), ``audit_trail`` (its filter), ``team`` (the DSL,
the deputies and the appointments) and ``two_factor`` (the code). ``people`` holds the one
person-choice field every app uses, re-exported here."""

from .people import PersonChoiceField, person_label

__all__ = ["PersonChoiceField", "person_label"]
