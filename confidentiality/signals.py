"""Signals the core sends so that the apps can act on them without the core importing the apps."""

from django.dispatch import Signal

# P10: someone took break-glass access to a record. Sent with ``grant`` (the BreakGlassAccess)
# inside the transaction that creates the grant, so an alert written by a receiver is kept or
# lost with the grant itself. A receiver must never stop the member of staff getting the record
# mid-emergency: it works inside its own ``transaction.atomic()`` block (a savepoint) and queues
# any email for after the commit; the core catches and logs whatever it raises.
break_glass_used = Signal()
