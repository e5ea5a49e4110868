"""What the 兑换柜台 (merchant counter) reads: the merchants an account operates, the
household behind a card, the products on sale today, and today's redemptions.

Every read goes through rewards' and governance's selectors and narrows what they return
(to one merchant, to today, to what is on sale); none widens it. The two exceptions are
named where they are: a card identifies a household to its counter without the operator
"seeing" the household (governance.selectors.household_get_by_card_code, as the API does),
and the balance shown at the counter is that household's account row, read as the API's
``/redemptions/lookup/`` reads it (no selector gives an operator the account of a household
outside their scope).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet

from governance.actors import Actor
from governance.models import Household
from governance.personal_data import mask_name
from governance.selectors import forbidden, household_get_by_card_code
from rewards import documents, selectors, services
from rewards.models import BeanAccount, Merchant, NegativeListEntry, Product, Redemption
from scoring.services import township_now
from tenants.models import Township


def can_use_counter(actor: Actor) -> bool:
    """The township admin, and every account that operates at least one merchant."""
    return actor.is_township_admin or bool(selectors.operated_merchant_ids(actor))


def counter_merchants(actor: Actor) -> list[Merchant]:
    """The merchants whose counter the actor may operate (the admin: every active one)."""
    merchants = selectors.merchant_list_for(actor=actor).filter(is_active=True)
    if not actor.is_township_admin:
        merchants = merchants.filter(pk__in=selectors.operated_merchant_ids(actor))
    return list(merchants)


def counter_merchant(actor: Actor, merchant_id: int) -> Merchant:
    """A merchant the actor operates: 404 when not visible, 403 when visible (every active
    merchant is public in the township) but not theirs to operate."""
    merchant = selectors.merchant_get_for(actor=actor, merchant_id=merchant_id)
    if not services.can_operate(actor, merchant):
        raise forbidden("manage")
    return merchant


def day_start(township: Township, day: datetime | None = None) -> datetime:
    """Midnight of the township's day (its own time zone) as an aware datetime."""
    now = township_now(township, day)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def products_on_sale(*, actor: Actor, merchant: Merchant, today: date) -> list[Product]:
    """The merchant's products that can be redeemed today: active, in their window, in stock."""
    return list(
        selectors.product_list_for(actor=actor).filter(
            Q(stock__isnull=True) | Q(stock__gt=0),
            Q(active_from__isnull=True) | Q(active_from__lte=today),
            Q(active_to__isnull=True) | Q(active_to__gte=today),
            merchant=merchant,
            is_active=True,
        )
    )


def todays_redemptions(
    *, actor: Actor, merchant: Merchant, township: Township
) -> QuerySet[Redemption]:
    return selectors.redemption_list_for(actor=actor).filter(
        merchant=merchant, created_at__gte=day_start(township)
    )


KIND_LABELS = dict(NegativeListEntry.Kind.choices)


@dataclass
class CardHolder:
    """The household behind a card, as the counter may show it: number, the head's name
    masked, the balance, and the negative-list restrictions in force today."""

    household: Household
    card_code: str
    head: str
    balance: int
    deficit: int
    restrictions: set[str] = field(default_factory=set)

    @property
    def restriction_labels(self) -> list[str]:
        return [str(KIND_LABELS[k]) for k in sorted(self.restrictions)]

    @property
    def no_preferential(self) -> bool:
        return NegativeListEntry.Kind.NO_PREFERENTIAL_POLICIES in self.restrictions


def card_holder(*, card: str, today: date) -> CardHolder | None:
    """The household whose card says ``card`` (a typed code or the scanned QR text)."""
    code = documents.card_code_from_scan(card)
    if not code:
        return None
    household = household_get_by_card_code(card_code=code)
    if household is None:
        return None
    return holder_of(household, today=today)


def holder_of(household: Household, *, today: date) -> CardHolder:
    account = BeanAccount.objects.filter(household=household).first()
    restrictions = services.restrictions_in_force(household_ids=[household.pk], on=today)
    heads = [r.name for r in household.residents.all() if r.is_household_head and r.is_active]
    return CardHolder(
        household=household,
        card_code=household.card_code,
        head=mask_name(heads[0]) if heads else "",
        balance=account.balance if account else 0,
        deficit=account.deficit if account else 0,
        restrictions=restrictions.get(household.pk, set()),
    )
