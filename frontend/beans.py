"""A household's beans as the pages show them: balance, deficit, and the ledger (流水).

Everything is read through rewards.selectors (scoped to the actor: a resident reaches their
own household, a leader the households in reach); each ledger line is described from the
entry itself plus, for month credits, the month's label (one query for a page).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page
from django.http import HttpRequest

from frontend.pages import paginate
from governance.actors import Actor
from governance.models import Household
from rewards import selectors
from rewards.models import LedgerEntry
from scoring.selectors import month_list

LEDGER_PAGE_SIZE = 10

KIND = LedgerEntry.Kind


@dataclass
class LedgerLine:
    entry: LedgerEntry
    detail: str

    @property
    def amount(self) -> int:
        return self.entry.amount


@dataclass
class HouseholdBeans:
    household: Household
    balance: int
    deficit: int
    page: Page
    lines: list[LedgerLine]


def _detail(entry: LedgerEntry, months: dict[int, str]) -> str:
    if entry.source_type == "month":
        label = months.get(entry.source_id, "")
        if entry.kind == KIND.DEFICIT_SETTLEMENT:
            return f"{label} 入账时抵扣前期扣减"
        return f"{label} 月度积分"
    if entry.kind == KIND.REDEMPTION_CANCEL:
        return f"撤销兑换：{entry.note}" if entry.note else "撤销兑换"
    return entry.note


def household_beans(
    request: HttpRequest,
    *,
    actor: Actor,
    household: Household,
    param: str = "ledger",
    per_page: int = LEDGER_PAGE_SIZE,
) -> HouseholdBeans:
    """The household's balance and one page of its ledger, newest first (constant queries)."""
    account = selectors.account_list_for(actor=actor).filter(household=household).first()
    entries = selectors.entry_list_for(actor=actor).filter(account__household=household)
    page = paginate(request, entries, param=param, per_page=per_page)
    # Every month's label in one query (a township has a dozen a year), so the page costs
    # the same whatever its entries are.
    months = {pk: f"{period:%Y-%m}" for pk, period in month_list().values_list("pk", "period")}
    return HouseholdBeans(
        household=household,
        balance=account.balance if account else 0,
        deficit=account.deficit if account else 0,
        page=page,
        lines=[LedgerLine(entry=e, detail=_detail(e, months)) for e in page],
    )
