"""月度: the state machine's buttons, the village confirmation, and the results drilled down."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import schema_context

from governance.actors import Actor
from governance.models import GridUnit, RoleAssignment
from scoring import services
from scoring.models import HouseholdMonthResult, LeaderMonthResult, Month, PointRecord
from tenants.accounts.models import User
from tenants.models import Township
from tests.frontend.conftest import count_queries, field_errors, html

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def closed_march(db) -> str:  # type: ignore[no-untyped-def]
    """2025-03 of changshan, closed (computed) and waiting for the villages to confirm."""
    with schema_context("changshan"):
        township = Township.objects.select_related("settings").get(schema_name="changshan")
        admin = Actor(user=User.objects.get(username="town_admin"), township=township)
        month = Month.objects.create(period=date(2025, 3, 1))
        services.month_close(actor=admin, month=month, at=datetime(2025, 4, 2, 9, tzinfo=SHANGHAI))
    return "2025-03"


def state(label: str) -> str:
    with schema_context("changshan"):
        return Month.objects.get(period=services.parse_period(label)).state


def village_of(username: str) -> GridUnit:
    with schema_context("changshan"):
        return RoleAssignment.objects.get(
            user__username=username, ended_at__isnull=True, kind="leader"
        ).unit


def test_only_the_admin_gets_the_buttons(web, demo_calendar) -> None:
    admin = html(web("changshan", "town_admin").get("/months/"))
    leader = html(web("changshan", "village_leader").get("/months/"))
    assert f"/months/{demo_calendar.current_label}/close/" in admin
    assert f"/months/{demo_calendar.publicity_label}/finalize/" in admin
    assert "/close/" not in leader
    assert "/finalize/" not in leader
    assert "公示中" in leader
    assert "已确认" in leader


def test_the_admin_is_told_why_a_month_cannot_close(web, demo_calendar) -> None:
    current = demo_calendar.current_label
    response = web("changshan", "town_admin").post(f"/months/{current}/close/")
    assert response.status_code == 422
    assert f'<p class="error">{current} 尚未结束，不能结算。</p>' in html(response)
    assert state(current) == "open"


def test_the_admin_is_told_why_a_month_cannot_be_finalized(web, demo_calendar) -> None:
    publicity = demo_calendar.publicity_label
    response = web("changshan", "town_admin").post(f"/months/{publicity}/finalize/")
    assert response.status_code == 422
    assert "公示期到" in html(response)
    assert state(publicity) == "publicity"


@pytest.mark.parametrize("action", ["close", "publish", "finalize"])
def test_a_village_leader_may_not_move_the_month(web, action, demo_calendar) -> None:
    response = web("changshan", "village_leader").post(
        f"/months/{demo_calendar.publicity_label}/{action}/"
    )
    assert response.status_code == 403
    assert "只有乡镇管理员" in html(response)


def test_an_unknown_month_is_404(web) -> None:
    assert web("changshan", "town_admin").get("/months/2019-01/").status_code == 404


def test_publishing_before_every_village_confirmed_needs_a_reason(web, closed_march) -> None:
    client = web("changshan", "town_admin")
    refused = client.post(f"/months/{closed_march}/publish/", {"override_reason": ""})
    assert refused.status_code == 422
    (error,) = field_errors(refused, "override_reason")
    assert "个村未认定" in error
    assert state(closed_march) == "closed"
    done = client.post(f"/months/{closed_march}/publish/", {"override_reason": "汛期会议推迟"})
    assert done.status_code == 302
    assert state(closed_march) == "publicity"


def test_the_village_leader_confirms_the_meeting(web, closed_march) -> None:
    client = web("changshan", "village_leader")
    page = html(client.get(f"/months/{closed_march}/"))
    village = village_of("village_leader")
    assert 'id="confirm"' in page
    assert f'<option value="{village.pk}"' in page
    data = {
        "village": village.pk,
        "meeting_type": "party_day",
        "meeting_date": "2025-03-20",  # before the month ended: the service refuses it
        "attendees": "村“两委”干部、网格员",
    }
    refused = client.post(f"/months/{closed_march}/confirm/", data)
    assert refused.status_code == 422
    assert field_errors(refused, "meeting_date") == ["认定会议应在月份结束之后召开。"]
    done = client.post(f"/months/{closed_march}/confirm/", {**data, "meeting_date": "2025-04-03"})
    assert done.status_code == 302
    after = html(client.get(f"/months/{closed_march}/"))
    assert "主题党日" in after
    assert 'id="confirm"' not in after


def test_who_audits_nothing_cannot_confirm(web, closed_march) -> None:
    response = web("changshan", "group_leader").post(f"/months/{closed_march}/confirm/", {})
    assert response.status_code == 403


def test_drilling_down_from_the_village_to_a_households_records(
    web, changshan_places, demo_calendar
) -> None:
    client = web("changshan", "village_leader")
    village = village_of("village_leader")
    final = demo_calendar.last_final_label
    month_page = html(client.get(f"/months/{final}/"))
    assert f"/months/{final}/units/{village.pk}/" in month_page
    unit_page = html(client.get(f"/months/{final}/units/{village.pk}/?page_size=200"))
    shown = {int(pk) for pk in re.findall(rf"/months/{final}/households/(\d+)/", unit_page)}
    assert shown == set(changshan_places.village_households)
    with schema_context("changshan"):
        micro_grids = list(GridUnit.objects.filter(parent=village).values_list("pk", flat=True))
        result = HouseholdMonthResult.objects.get(
            month__period=demo_calendar.last_final, household_id=changshan_places.in_scope
        )
        approved = PointRecord.objects.filter(
            month__period=demo_calendar.last_final,
            household_id=changshan_places.in_scope,
            status="approved",
        ).count()
    for pk in micro_grids:
        assert f"/months/{final}/units/{pk}/" in unit_page
    household_page = html(client.get(f"/months/{final}/households/{changshan_places.in_scope}/"))
    assert f"<b>{result.points}</b><span>月度积分</span>" in household_page
    assert f"<b>{approved}</b><span>条已通过记录</span>" in household_page


def test_another_villages_unit_and_household_are_404(web, changshan_places, demo_calendar) -> None:
    client = web("changshan", "village_leader")
    other = village_of("group_leader_other")
    final = demo_calendar.last_final_label
    assert client.get(f"/months/{final}/units/{other.pk}/").status_code == 404
    assert (
        client.get(f"/months/{final}/households/{changshan_places.out_of_scope}/").status_code
        == 404
    )


def test_an_open_month_has_no_results_to_drill_into(web, demo_calendar) -> None:
    village = village_of("village_leader")
    url = f"/months/{demo_calendar.current_label}/units/{village.pk}/"
    assert web("changshan", "village_leader").get(url).status_code == 404


def test_a_leaders_score_and_its_two_halves(web, demo_calendar) -> None:
    with schema_context("changshan"):
        result = LeaderMonthResult.objects.select_related("assignment").get(
            month__period=demo_calendar.last_final, user__username="microgrid_leader"
        )
    url = f"/months/{demo_calendar.last_final_label}/leaders/{result.assignment_id}/"
    page = html(web("changshan", "village_leader").get(url))
    own_half = (result.own_weight * result.own_points).quantize(Decimal("0.01"))
    unit_half = ((1 - result.own_weight) * result.unit_average).quantize(Decimal("0.01"))
    assert f"<b>{result.score}</b>" in page
    assert re.search(rf'data-half="own">.*?>{own_half}</td>', page, flags=re.S)
    assert re.search(rf'data-half="unit">.*?>{unit_half}</td>', page, flags=re.S)
    outsider = web("changshan", "group_leader_other").get(url)
    assert outsider.status_code == 404


def test_the_unit_page_lists_households_in_constant_queries(web, demo_calendar) -> None:
    village = village_of("village_leader")
    client = web("changshan", "village_leader")
    url = f"/months/{demo_calendar.last_final_label}/units/{village.pk}/"
    assert count_queries(client, f"{url}?page_size=1") == count_queries(
        client, f"{url}?page_size=100"
    )
    assert count_queries(client, "/months/?page_size=1") == count_queries(
        client, "/months/?page_size=12"
    )
