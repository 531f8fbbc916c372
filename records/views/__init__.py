"""The records' pages, one module per area (forms in ``records.forms``, rules in
``records.policy``).

Every view declares at the core's door who may reach it (``access.requires``, with a rule from
``records.policy``) and opens its objects through ``access.open_object`` or lists them through
``access.visible``: a refusal is a 404, and every look is audited once.
"""
