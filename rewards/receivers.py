"""Rewards reacts to scoring through the signal scoring publishes (scoring imports nothing
of rewards). The receiver only calls the service; the rule lives in rewards.services."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from scoring.signals import month_finalized


@receiver(month_finalized, dispatch_uid="rewards.credit_final_month")
def credit_final_month(sender: Any, month: Any, actor: Any, **kwargs: Any) -> None:
    from rewards.services import month_credit_final

    month_credit_final(month=month, actor=actor)
