"""Lookups of demo rows that an earlier step of the seed created."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def required(value: T | None, what: str) -> T:
    """``value``, which the seed made earlier; None means the demo data is incomplete."""
    if value is None:
        raise RuntimeError(f"the demo data has no {what}; run seed_demo on a fresh township")
    return value
