from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from governance.actors import Actor
from governance.models import Household
from rewards import services
from rewards.ledger import account_locked, ledger_post
from rewards.models import LedgerEntry, Merchant
from tenants.accounts.models import User
from tenants.models import Township


def actor(username: str, slug: str = "changshan") -> Actor:
    return Actor(
        user=User.objects.get(username=username), township=Township.objects.get(schema_name=slug)
    )


def give(household: Household, beans: int, *, key: str) -> None:
    """Test setup: put beans on an account through the ledger (as an award would)."""
    ledger_post(
        account=account_locked(household=household),
        kind=LedgerEntry.Kind.TIER_AWARD,
        amount=beans,
        source_type="test",
        source_id=0,
        idempotency_key=key,
    )


@pytest.fixture
def shop(db):  # type: ignore[no-untyped-def]
    """The demo's 共富超市 in changshan and a fresh product with known stock and price."""
    with schema_context("changshan"):
        merchant = Merchant.objects.get(kind="supermarket")
        admin = actor("town_admin")
        product = services.product_save(
            actor=admin, merchant=merchant, name="测试香皂", bean_price=10, stock=5
        )
        yield merchant, product


# The scoring suite's small grids: worked examples here need final months of our own.
from tests.scoring.conftest import small_changshan, small_weiqiao  # noqa: E402, F401
