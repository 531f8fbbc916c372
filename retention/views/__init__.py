"""The retention pages (P4): the report of what is due, the rules, the legal holds and the
deletion certificates. One door for all of them (``retention_page``)."""

from confidentiality import access

from ..policy import may_manage_retention

# The head teacher and the DSL, with their second factor (their roles always need one).
retention_page = access.requires(may_manage_retention)
