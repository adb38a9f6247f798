"""What the appointments tell the floors above them, which they may not import
(``[tool.importlinter]``): the satisfaction survey (``ecommune.feedback``) listens."""

from django.dispatch import Signal

#: Sent with ``booking`` and its new ``status`` when an agent changes an appointment's
#: mark (seen, did not come, back to booked), inside the transaction that changes it, so
#: that what a receiver queues is kept or rolled back with the mark. Not sent when the
#: mark was already that one.
booking_marked = Signal()
