"""The demo's beans: a stocked 共富超市 operated by ``merchant``, a partner bank, past
redemptions (in the publicity month), the calendar's quarter rated with tiers, and a household
on the negative list. Dates come from the demo's calendar (config/demo/months.py)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from config.demo.months import DemoCalendar
from config.demo.required import required
from governance.actors import Actor
from governance.models import GridUnit, Household
from rewards import services
from rewards.models import BeanAccount, Merchant, NegativeListEntry, Product, TierRating
from tenants.accounts.models import User
from tenants.models import Township

SUPERMARKET_GOODS = [
    ("食用油（5L）", "桶", 60, 40),
    ("大米（10kg）", "袋", 50, 60),
    ("洗衣液", "瓶", 15, 120),
    ("牙膏", "支", 8, 200),
    ("酱油", "瓶", 10, 150),
    ("毛巾", "条", 6, None),
]
BANK_SERVICES = [
    ("存款利率上浮（优惠）", "次", 100, None, True),
    ("免费理财咨询", "次", 20, None, False),
]


def seed_rewards(township: Township, calendar: DemoCalendar) -> None:
    if Merchant.objects.exists():
        return
    rng = random.Random(f"jifenbao-demo-rewards-{township.slug}")
    tz = ZoneInfo(township.settings.timezone)
    admin = Actor(user=User.objects.get(username="town_admin"), township=township)
    village = required(
        GridUnit.objects.filter(level__is_village=True).order_by("path").first(), "village"
    )
    shop = services.merchant_create(
        actor=admin,
        name=f"{village.name}共富超市",
        kind="supermarket",
        village=village,
        address=f"{village.name}村委会东侧",
    )
    bank = services.merchant_create(
        actor=admin, name=f"{township.name}农商银行", kind="bank", address=f"{township.name}政府街"
    )
    for name, unit, price, stock in SUPERMARKET_GOODS:
        services.product_save(
            actor=admin, merchant=shop, name=name, unit=unit, bean_price=price, stock=stock
        )
    for name, unit, price, stock, preferential in BANK_SERVICES:
        services.product_save(
            actor=admin,
            merchant=bank,
            name=name,
            unit=unit,
            bean_price=price,
            stock=stock,
            is_preferential=preferential,
        )
    merchant_user = User.objects.get(username="merchant")
    services.merchant_operator_set(actor=admin, merchant=shop, user=merchant_user, operates=True)
    operator = Actor(user=merchant_user, township=township)

    # Past redemptions at the village's shop, on days 10…27 of the publicity month: after the
    # last final month's credit arrived, and none today.
    goods = list(Product.objects.filter(merchant=shop).order_by("bean_price"))
    accounts = list(
        BeanAccount.objects.filter(household__unit__path__startswith=village.path, balance__gte=20)
        .select_related("household")
        .order_by("household__number")
    )
    for index, account in enumerate(accounts[:25]):
        affordable = [p for p in goods if p.bean_price <= account.balance // 2]
        if not affordable:
            continue
        product = rng.choice(affordable)
        when = datetime.combine(
            calendar.publicity + timedelta(days=9 + index % 18), time(10, 0), tzinfo=tz
        )
        services.redemption_create(
            actor=operator,
            merchant=shop,
            household=account.household,
            lines=[services.RedemptionLineInput(product=product, quantity=1)],
            at=when,
        )

    # 一季一评比 for the latest quarter whose three months are final.
    if not TierRating.objects.filter(quarter=calendar.quarter).exists():
        services.quarter_rate(actor=admin, label=calendar.quarter)

    # A household on the negative list: no awards, for a year from the first final month.
    household = (
        Household.objects.filter(unit__path__startswith=village.path).order_by("-number").first()
    )
    starts = calendar.finals[0]  # the first of a month: a year later always exists
    if not NegativeListEntry.objects.exists():
        services.negative_entry_create(
            actor=admin,
            household=required(household, "household in the village"),
            kind=NegativeListEntry.Kind.NO_AWARDS,
            reason="屡次违反村规民约，经村民代表会议决定列入负面清单",
            starts_on=starts,
            ends_on=starts.replace(year=starts.year + 1) - timedelta(days=1),
        )
