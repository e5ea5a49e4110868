"""一季一评比 arithmetic on worked examples (rewards/tiers.py states the rules)."""

from rewards.tiers import rank_units, split_award, tier_sizes

TIERS = [
    {"code": "gold", "name": "金豆", "top_percent": 10, "award_beans": 300},
    {"code": "silver", "name": "银豆", "top_percent": 30, "award_beans": 200},
    {"code": "bronze", "name": "铜豆", "top_percent": 50, "award_beans": 100},
]


def test_ten_percent_of_n_rounds_half_up() -> None:
    assert tier_sizes(25, TIERS) == [3, 8, 13]  # 2.5 → 3, 7.5 → 8, 12.5 → 13
    assert tier_sizes(24, TIERS) == [2, 7, 12]  # 2.4 → 2, 7.2 → 7, 12.0
    assert tier_sizes(4, TIERS) == [0, 1, 2]  # 0.4 → 0: four groups have no gold
    assert tier_sizes(5, TIERS) == [1, 2, 3]  # 0.5 → 1, 1.5 → 2, 2.5 → 3


def test_ties_at_a_threshold_all_take_the_better_tier() -> None:
    # 10 units, gold reaches rank 1, silver rank 3, bronze rank 5.
    beans = [50, 50, 40, 30, 30, 30, 20, 10, 0, -5]
    ranked = rank_units([(unit, b) for unit, b in enumerate(beans, start=1)], TIERS)
    by_unit = {r.unit_id: (r.rank, r.tier["code"] if r.tier else None) for r in ranked}
    assert by_unit[1] == (1, "gold")
    assert by_unit[2] == (1, "gold")  # tied with the first: gold too, so gold holds 2 of 10
    assert by_unit[3] == (3, "silver")
    assert [by_unit[u] for u in (4, 5, 6)] == [(4, "bronze")] * 3  # tied at rank 4 ≤ 5
    assert by_unit[7] == (7, None)
    assert by_unit[9] == (9, None)  # no beans, no tier
    assert by_unit[10] == (10, None)


def test_no_tier_without_positive_beans() -> None:
    ranked = rank_units([(1, 0), (2, 0), (3, 0)], TIERS)
    assert all(r.tier is None for r in ranked)
    assert [r.rank for r in ranked] == [1, 1, 1]


def test_an_award_splits_evenly_and_the_remainder_goes_by_household_number() -> None:
    households = ["DG1-001", "DG1-002", "DG1-003", "DG1-004", "DG1-005", "DG1-006", "DG1-007"]
    shares = split_award(100, households)
    assert [s for _, s in shares] == [15, 15, 14, 14, 14, 14, 14]  # 100 = 7 × 14 + 2
    assert sum(s for _, s in shares) == 100
    assert split_award(300, households[:6]) == [(h, 50) for h in households[:6]]
    assert split_award(100, []) == []
