"""What scoring tells the layers above it (which it never imports).

``month_finalized`` is sent INSIDE the finalizing transaction: a receiver that fails
(rewards crediting the month's beans) rolls the finalization back, so "final" and
"credited" never disagree.
"""

from django.dispatch import Signal

# sender=Month, month=<Month>, actor=<Actor | None>
month_finalized = Signal()
