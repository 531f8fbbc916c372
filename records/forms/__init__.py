"""The records' forms, one module per area, named as the views that use them are
(``records.views``). Each form keeps what the person typed when it is shown again with errors."""
