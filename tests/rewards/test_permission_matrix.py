"""The permission matrix, rewards' rows (roles and objects as in
tests/governance/test_permission_matrix.py):

- ledger    GET  /api/v1/ledger/?household={id}   → entries visible (count > 0) or none
- card      GET  /api/v1/households/{id}/card/?as=png
- negative  POST /api/v1/negative-list/           → 201 | 403 | 404
- redeem    POST /api/v1/redemptions/ at the village's 共富超市 (in: a household of that
            village; out: another village's household — the shop serves any card)
"""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from rewards.models import BeanAccount, Merchant, Product
from tests.rewards.conftest import give

pytestmark = pytest.mark.django_db

ROLES = [
    "town_admin",
    "village_leader",
    "info_admin",
    "microgrid_leader",
    "group_leader",
    "group_leader_other",
    "merchant",
    "resident",
]

#                     ledger sees   card       negative   redeem
#                     in     out    in   out   in   out   in   out
EXPECTED = {
    "town_admin":         (True,  True,  200, 200, 201, 201, 201, 201),
    "village_leader":     (True,  False, 200, 404, 201, 404, 403, 403),
    "info_admin":         (True,  False, 200, 404, 403, 404, 403, 403),
    "microgrid_leader":   (True,  False, 200, 404, 403, 404, 403, 403),
    "group_leader":       (True,  False, 200, 404, 403, 404, 403, 403),
    "group_leader_other": (False, True,  404, 200, 404, 403, 403, 403),
    "merchant":           (False, False, 404, 404, 404, 404, 201, 201),
    "resident":           (False, False, 404, 404, 404, 404, 403, 403),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_rewards_permission_matrix(api, changshan_places, role) -> None:
    places = changshan_places
    targets = (places.in_scope, places.out_of_scope)
    with schema_context("changshan"):
        shop = Merchant.objects.get(kind="supermarket")
        product = Product.objects.filter(merchant=shop, stock__isnull=True).first()
        cards = {}
        for household in targets:
            give_to = BeanAccount.objects.filter(household_id=household).first()
            if give_to is None or give_to.balance < product.bean_price:
                from governance.models import Household

                give(
                    Household.objects.get(pk=household),
                    product.bean_price,
                    key=f"matrix:{role}:{household}",
                )
            cards[household] = BeanAccount.objects.get(household_id=household).household.card_code
    client = api("changshan", role)
    got: list[object] = []
    for household in targets:
        got.append(client.get(f"/api/v1/ledger/?household={household}").json().get("count", 0) > 0)
    got += [client.get(f"/api/v1/households/{h}/card/?as=png").status_code for h in targets]
    got += [
        client.post(
            "/api/v1/negative-list/",
            {
                "household": h,
                "kind": "public_criticism",
                "reason": "测试",
                "starts_on": "2026-12-01",
            },
            format="json",
        ).status_code
        for h in targets
    ]
    got += [
        client.post(
            "/api/v1/redemptions/",
            {"merchant": shop.pk, "card": cards[h], "lines": [{"product": product.pk}]},
            format="json",
        ).status_code
        for h in targets
    ]
    assert tuple(got) == EXPECTED[role]
