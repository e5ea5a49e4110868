"""The month's results: household sums, grid sums at every level, the leader formula and
its rounding, worked out by hand below (docs/adr/0004-scoring-rules.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring import services
from scoring.models import HouseholdMonthResult, LeaderMonthResult, UnitMonthResult
from tests.scoring.conftest import AFTER_PAST

pytestmark = pytest.mark.django_db


def leader_score(g) -> LeaderMonthResult:  # type: ignore[no-untyped-def]
    return LeaderMonthResult.objects.get(month=g.month, user=g.leader.user)


def test_changshan_leader_is_half_own_half_group_average(small_changshan) -> None:
    g = small_changshan(3)
    own, quiet, busy = g.households
    g.approve(own, "DZ01", quantity=2)  # 志愿服务 +3 × 2 = 6
    g.approve(own, "ZZ01", quantity=2)  # 村民会议 +2 × 2 = 4   → own household 10
    g.approve(busy, "DZ01")  # +3                               → group 10 + 0 + 3 = 13
    services.month_close(actor=g.admin, month=g.month, at=AFTER_PAST)

    points = dict(
        HouseholdMonthResult.objects.filter(month=g.month, household__in=g.households).values_list(
            "household_id", "points"
        )
    )
    assert points == {own.pk: 10, quiet.pk: 0, busy.pk: 3}
    result = leader_score(g)
    # 0.5 × 10 + 0.5 × (13 / 3) = 5 + 2.1666… = 7.1666… → 7.17
    assert result.own_points == 10
    assert result.unit_points == 13
    assert result.unit_households == 3  # the zero-point household counts in the average
    assert result.unit_average == Decimal("4.333333")
    assert result.score == Decimal("7.17")


def test_weiqiao_leader_uses_its_own_weights(small_weiqiao) -> None:
    g = small_weiqiao(3)
    own, _quiet, busy = g.households
    g.approve(own, "WM03", quantity=5)  # 志愿服务 +2/小时 × 5 = 10
    g.approve(busy, "CW01")  # 村民代表会议 +3
    services.month_close(actor=g.admin, month=g.month, at=AFTER_PAST)
    # 0.6 × 10 + 0.4 × (13 / 3) = 6 + 1.7333… = 7.7333… → 7.73
    assert leader_score(g).own_weight == Decimal("0.60")
    assert leader_score(g).score == Decimal("7.73")


def test_scores_round_once_half_away_from_zero(small_changshan) -> None:
    g = small_changshan(8)
    g.approve(g.households[1], "ZZ01")  # +2; the leader's own household has 0
    services.month_close(actor=g.admin, month=g.month, at=AFTER_PAST)
    # 0.5 × 0 + 0.5 × (2 / 8) = 0.125 exactly → 0.13 (banker's rounding would say 0.12)
    assert leader_score(g).score == Decimal("0.13")


def test_negative_scores_round_away_from_zero(small_changshan) -> None:
    g = small_changshan(8)
    g.approve(g.households[1], "FZ02")  # 违反村规民约 −5
    g.approve(g.households[2], "DZ01")  # +3 → group −2
    services.month_close(actor=g.admin, month=g.month, at=AFTER_PAST)
    # 0.5 × 0 + 0.5 × (−2 / 8) = −0.125 → −0.13
    assert leader_score(g).score == Decimal("-0.13")


def test_every_level_sums_its_households(small_weiqiao) -> None:
    g = small_weiqiao(4)
    for household, code in zip(g.households, ["CW01", "WM03", "ZJ02", "WM01"], strict=True):
        g.approve(household, code)  # +3, +2, −4, +4 = 5
    services.month_close(actor=g.admin, month=g.month, at=AFTER_PAST)
    chain = UnitMonthResult.objects.filter(
        month=g.month, unit__path__in=_ancestor_paths(g.lowest.path)
    )
    assert {r.unit.level.depth: (r.points, r.households) for r in chain} == {
        1: (5, 4),  # 管区
        2: (5, 4),  # 村级网格
        3: (5, 4),  # 片区网格
        4: (5, 4),  # 联户小组
    }


def test_pending_rejected_and_withdrawn_records_do_not_count(small_changshan) -> None:
    g = small_changshan(2)
    g.approve(g.households[0], "DZ02")  # +5 approved
    lines = [
        services.RecordLine(
            household=g.households[0], indicator=g.indicator("DZ01"), occurred_on=g.month.period
        )
    ]
    rejected, _ = services.point_records_submit(actor=g.admin, lines=lines)
    services.point_records_review(actor=g.admin, records=rejected, approve=False, reason="不属实")
    withdrawn, _ = services.point_records_submit(actor=g.admin, lines=lines)
    services.point_record_withdraw(actor=g.admin, record=withdrawn[0])
    services.month_close(actor=g.admin, month=g.month, at=AFTER_PAST)
    assert HouseholdMonthResult.objects.get(month=g.month, household=g.households[0]).points == 5


def _ancestor_paths(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
