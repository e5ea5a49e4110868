"""The arithmetic of 一季一评比, kept pure so its rules are tested on worked examples.

How many units a tier covers: ``top_percent`` of N, rounded half up —
``floor(N × p / 100 + ½)`` — so 10% of 25 is 3 (2.5 rounds up), of 24 is 2, of 4 is 0.
Tiers are cumulative: with 10/30/50%, ranks 1…k10 are gold, k10+1…k30 silver, k30+1…k50
bronze.

Ties: units are ranked by beans with competition ranking (100, 90, 90, 80 → 1, 2, 2, 4); a
unit gets the best tier whose cut-off is at or below its rank, so every unit tied at a
threshold falls into the better tier (the tier may then hold more than its share). A unit
with no positive beans gets no tier.

Splitting an award among a unit's households: each gets ⌊A / n⌋; the remainder A mod n goes
one bean each to the first households in household-number order. The shares add up to A.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Ranked:
    unit_id: int
    beans: int
    rank: int
    tier: dict[str, Any] | None


def tier_sizes(n: int, tiers: Sequence[dict[str, Any]]) -> list[int]:
    """How many ranks each tier reaches (cumulative), rounding N × p / 100 half up."""
    return [(2 * n * int(tier["top_percent"]) + 100) // 200 for tier in tiers]


def rank_units(scores: Sequence[tuple[int, int]], tiers: Sequence[dict[str, Any]]) -> list[Ranked]:
    """``scores`` = (unit id, beans). Returns every unit ranked, with its tier or None."""
    ordered = sorted(scores, key=lambda s: (-s[1], s[0]))
    cutoffs = tier_sizes(len(ordered), tiers)
    result = []
    for unit_id, beans in ordered:
        rank = 1 + sum(1 for _, other in ordered if other > beans)
        tier = None
        if beans > 0:
            tier = next(
                (t for t, cutoff in zip(tiers, cutoffs, strict=True) if rank <= cutoff), None
            )
        result.append(Ranked(unit_id=unit_id, beans=beans, rank=rank, tier=tier))
    return result


def split_award(amount: int, households: Sequence[Any]) -> list[tuple[Any, int]]:
    """Split ``amount`` among ``households`` (already in household-number order)."""
    if not households:
        return []
    base, remainder = divmod(amount, len(households))
    return [
        (household, base + (1 if index < remainder else 0))
        for index, household in enumerate(households)
    ]
