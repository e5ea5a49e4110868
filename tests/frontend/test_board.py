"""公示榜: public, the published numbers only, names masked, nothing personal, one township."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context

from governance.actors import Actor
from governance.models import Household, Resident
from scoring import services
from scoring.models import MonthSnapshot, Objection
from tenants.accounts.models import User
from tenants.models import Township
from tests.frontend.conftest import count_queries, html

pytestmark = pytest.mark.django_db

ID_NUMBER = re.compile(r"\d{17}[\dXx]")
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def board_rows(page: str) -> dict[str, tuple[str, int]]:
    """household number → (head as shown, points)."""
    rows = re.findall(
        r"<tr><td>([A-Z]+\d*-\d+)</td><td>([^<]*)</td>(?:<td>[^<]*</td>)?<td class=\"num\">(-?\d+)</td></tr>",
        page,
    )
    return {number: (head, int(points)) for number, head, points in rows}


def test_the_board_is_public_and_shows_the_township_and_its_bean(web, demo_calendar) -> None:
    response = web("changshan").get("/board/")
    assert response.status_code == 200
    page = html(response)
    assert "长山镇" in page
    assert "山药豆" in page
    assert demo_calendar.publicity_label in page
    assert "公示截止" in page
    assert "提出异议" in page
    assert "退出" not in page


def test_the_board_never_shows_id_numbers_phones_or_full_names(web) -> None:
    page = html(web("changshan").get("/board/?page_size=200"))
    assert not ID_NUMBER.search(page)
    assert not PHONE.search(page)
    rows = board_rows(page)
    assert rows
    with schema_context("changshan"):
        heads = dict(
            Resident.objects.filter(
                is_household_head=True, household__number__in=list(rows)
            ).values_list("household__number", "name")
        )
    for number, (shown, _points) in rows.items():
        full = heads[number]
        assert shown == f"{full[0]}{'*' * (len(full) - 2)}{full[-1]}"
        assert full not in page


def test_the_board_shows_the_published_points(web, demo_calendar) -> None:
    page = html(web("changshan").get("/board/?page_size=200"))
    rows = board_rows(page)
    with schema_context("changshan"):
        snapshot = MonthSnapshot.objects.get(
            month__period=demo_calendar.publicity, superseded_at__isnull=True
        )
    published = {
        number: points for _id, number, _unit, points, _n in snapshot.content["households"]
    }
    assert rows
    assert all(published[number] == points for number, (_h, points) in rows.items())


def test_no_other_townships_data(web) -> None:
    changshan = html(web("changshan").get("/board/?page_size=200"))
    weiqiao = html(web("weiqiao").get("/board/?page_size=200"))
    with schema_context("weiqiao"):
        weiqiao_numbers = set(Household.objects.values_list("number", flat=True))
    with schema_context("changshan"):
        changshan_numbers = set(Household.objects.values_list("number", flat=True))
    assert "棉花豆" not in changshan
    assert not weiqiao_numbers & set(board_rows(changshan))
    assert "山药豆" not in weiqiao
    assert not changshan_numbers & set(board_rows(weiqiao))
    assert "魏桥镇" in weiqiao
    assert "管区" in weiqiao


def test_an_earlier_final_month_can_be_shown(web, demo_calendar) -> None:
    page = html(web("changshan").get(f"/board/?month={demo_calendar.last_final_label}"))
    assert "已确认" in page
    assert "公示期已结束" in page


def test_an_upheld_objection_shows_on_the_board(web) -> None:
    with schema_context("changshan"):
        township = Township.objects.select_related("settings").get(schema_name="changshan")
        objection = Objection.objects.select_related("household__unit", "record").get(status="open")
        village = objection.household.unit.path_ids[0]
        leader = Actor(user=User.objects.get(username="village_leader"), township=township)
        before = MonthSnapshot.objects.get(month=objection.month, superseded_at__isnull=True)
        old = next(
            p
            for _i, n, _u, p, _c in before.content["households"]
            if n == objection.household.number
        )
        services.objection_decide(
            actor=leader, objection=objection, uphold=True, reply="冲销", correction_points=5
        )
    page = html(web("changshan").get(f"/board/?page_size=200&village={village}"))
    assert "v2" in page
    assert board_rows(page)[objection.household.number][1] == old + 5


def test_the_board_lists_in_constant_queries(web) -> None:
    client = web("changshan")
    assert count_queries(client, "/board/?page_size=1") == count_queries(
        client, "/board/?page_size=100"
    )


def test_the_public_site_has_no_board(web) -> None:
    assert web(None).get("/board/").status_code == 404
