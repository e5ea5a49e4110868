"""Writes of the scoring app: the catalog, point records, reviews, the month and objections.

Every service is one transaction. Rules live here (not in views or serializers):
caps, scopes, self-audit, month states. Times are township-local dates.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from governance.actors import AUDIT, SUBMIT, VIEW, Actor
from governance.audit import audit_record, diff
from governance.models import GridUnit, Household
from governance.selectors import forbidden, village_level
from scoring.evidence import evidence_validate
from scoring.models import (
    Category,
    Indicator,
    IndicatorRevision,
    Month,
    MonthSnapshot,
    Objection,
    PointRecord,
    Review,
    StandardCategory,
    VillageConfirmation,
)
from scoring.results import content_hash, month_results_compute, month_results_content
from scoring.signals import month_finalized
from tenants.db import tenant_connection
from tenants.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from tenants.models import Township


# ---------------------------------------------------------------- time
def township_of_connection() -> Township:
    """The township whose schema the connection is in (request, task or schema_context)."""
    township = (
        Township.objects.select_related("settings")
        .filter(schema_name=tenant_connection().schema_name)
        .first()
    )
    if township is None:
        raise RuntimeError("scoring services run inside a township's schema")
    return township


def township_now(township: Township, at: datetime | None = None) -> datetime:
    return (at or timezone.now()).astimezone(ZoneInfo(township.settings.timezone))


def period_of(day: date) -> date:
    return day.replace(day=1)


def next_period(period: date) -> date:
    return (period + timedelta(days=32)).replace(day=1)


def period_end(period: date) -> date:
    return next_period(period) - timedelta(days=1)


def parse_period(label: str) -> date:
    try:
        return datetime.strptime(label, "%Y-%m").date()  # noqa: DTZ007 - a calendar month, no time
    except ValueError as exc:
        raise ApplicationError(
            f"月份格式应为 YYYY-MM，收到“{label}”。", code="invalid_month", attr="month"
        ) from exc


def _actor_label(actor: Actor | None) -> Any:
    return actor if actor is not None else "system"


# ---------------------------------------------------------------- catalog
def indicator_snapshot(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "category": indicator.category.code,
        "points": indicator.points,
        "unit": indicator.unit,
        "evidence_required": indicator.evidence_required,
        "monthly_cap": indicator.monthly_cap,
        "valid_from": indicator.valid_from.isoformat() if indicator.valid_from else None,
        "valid_to": indicator.valid_to.isoformat() if indicator.valid_to else None,
        "is_active": indicator.is_active,
    }


@transaction.atomic
def catalog_seed(*, categories: list[dict[str, Any]]) -> None:
    """Seed a new township's catalog from its template (first revision of every indicator)."""
    for position, item in enumerate(categories):
        category = Category.objects.create(
            code=item["code"], name=item["name"], standard=item["standard"], position=position
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(
                category=category,
                code=row["code"],
                name=row["name"],
                points=row["points"],
                unit=row.get("unit", "次"),
                evidence_required=bool(row.get("evidence_required", False)),
                monthly_cap=row.get("monthly_cap"),
            )
            for row in item.get("indicators", [])
        )
        IndicatorRevision.objects.bulk_create(
            IndicatorRevision(indicator=ind, version=1, snapshot=indicator_snapshot(ind))
            for ind in indicators
        )


def _require_admin(actor: Actor) -> None:
    if not actor.is_township_admin:
        raise forbidden("manage")


def _indicator_check(indicator: Indicator) -> None:
    if indicator.points == 0:
        raise ApplicationError("分值不能为 0。", code="invalid_points", attr="points")
    if indicator.valid_from and indicator.valid_to and indicator.valid_to < indicator.valid_from:
        raise ApplicationError("失效日期不能早于生效日期。", code="invalid_range", attr="valid_to")
    if indicator.monthly_cap is not None and indicator.monthly_cap < 1:
        raise ApplicationError("每月上限至少为 1。", code="invalid_cap", attr="monthly_cap")


@transaction.atomic
def category_create(*, actor: Actor, code: str, name: str, standard: str) -> Category:
    _require_admin(actor)
    if standard not in StandardCategory.values:
        raise ApplicationError("四治归类无效。", code="invalid_choice", attr="standard")
    if Category.objects.filter(code=code).exists():
        raise Conflict(f"类别代码“{code}”已存在。", code="duplicate_code", attr="code")
    category = Category.objects.create(
        code=code, name=name, standard=standard, position=Category.objects.count()
    )
    audit_record(
        actor=actor,
        action="category.create",
        obj=category,
        after={"code": code, "name": name, "standard": standard},
    )
    return category


@transaction.atomic
def indicator_create(*, actor: Actor, category: Category, **fields: Any) -> Indicator:
    _require_admin(actor)
    if Indicator.objects.filter(code=fields.get("code")).exists():
        raise Conflict(
            f"指标代码“{fields.get('code')}”已存在。", code="duplicate_code", attr="code"
        )
    indicator = Indicator(category=category, **fields)
    _indicator_check(indicator)
    indicator.save()
    IndicatorRevision.objects.create(
        indicator=indicator,
        version=1,
        snapshot=indicator_snapshot(indicator),
        changed_by=actor.user,
    )
    audit_record(
        actor=actor, action="indicator.create", obj=indicator, after=indicator_snapshot(indicator)
    )
    return indicator


EDITABLE_INDICATOR_FIELDS = {
    "name", "points", "unit", "evidence_required", "monthly_cap", "valid_from", "valid_to", "is_active", "category",
}  # fmt: skip


@transaction.atomic
def indicator_update(*, actor: Actor, indicator: Indicator, **changes: Any) -> Indicator:
    """Edit an indicator: a new version and revision. Records already made keep the name and
    points they copied, so no past month changes."""
    _require_admin(actor)
    unknown = set(changes) - EDITABLE_INDICATOR_FIELDS
    if unknown:
        raise ApplicationError(
            f"不能修改：{'、'.join(sorted(unknown))}", code="read_only", attr=sorted(unknown)[0]
        )
    indicator = (
        Indicator.objects.select_for_update().select_related("category").get(pk=indicator.pk)
    )
    before = indicator_snapshot(indicator)
    for key, value in changes.items():
        setattr(indicator, key, value)
    _indicator_check(indicator)
    after = indicator_snapshot(indicator)
    if after == before:
        return indicator
    indicator.version += 1
    indicator.save()
    IndicatorRevision.objects.create(
        indicator=indicator, version=indicator.version, snapshot=after, changed_by=actor.user
    )
    old, new = diff(before, after)
    audit_record(actor=actor, action="indicator.update", obj=indicator, before=old, after=new)
    return indicator


# ---------------------------------------------------------------- months
def month_for(
    *, period: date, township: Township | None = None, at: datetime | None = None
) -> Month:
    """The month of ``period``; the township's current month is opened on first use."""
    month = Month.objects.filter(period=period).first()
    if month is not None:
        return month
    township = township or township_of_connection()
    today = township_now(township, at).date()
    if period != period_of(today):
        raise ApplicationError(
            f"{period:%Y年%m月}尚未开放录入。", code="month_not_open", attr="occurred_on"
        )
    month, _ = Month.objects.get_or_create(period=period)
    return month


@dataclass
class RecordLine:
    """One line of a submission (single or batch)."""

    household: Household
    indicator: Indicator
    occurred_on: date
    quantity: int = 1
    note: str = ""
    evidence: UploadedFile | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)


def _fingerprint(lines: list[RecordLine]) -> str:
    payload = [
        [ln.household.pk, ln.indicator.pk, ln.occurred_on.isoformat(), ln.quantity, ln.note]
        for ln in lines
    ]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


def _line_errors(
    *,
    actor: Actor,
    line: RecordLine,
    township: Township,
    today: date,
    used: dict[tuple[int, int, date], int],
    prefix: str,
) -> list[dict[str, Any]]:
    def err(code: str, detail: str, attr: str) -> dict[str, Any]:
        return {"code": code, "detail": detail, "attr": f"{prefix}{attr}"}

    errors: list[dict[str, Any]] = []
    household, indicator = line.household, line.indicator
    if not actor.can(SUBMIT, household.unit.path):
        errors.append(
            err("permission_denied", f"您不能为农户 {household.number} 提交积分。", "household")
        )
    if not household.is_active:
        errors.append(err("household_inactive", f"农户 {household.number} 已不在册。", "household"))
    if line.quantity < 1 or line.quantity > 1000:
        errors.append(err("invalid_quantity", "数量应为 1–1000 的整数。", "quantity"))
    if line.occurred_on > today:
        errors.append(err("future_date", "发生日期不能晚于今天。", "occurred_on"))
    month = Month.objects.filter(period=period_of(line.occurred_on)).first()
    if month is None and period_of(line.occurred_on) != period_of(today):
        errors.append(
            err("month_not_open", f"{line.occurred_on:%Y年%m月}尚未开放录入。", "occurred_on")
        )
    elif month is not None and month.state != Month.State.OPEN:
        errors.append(
            err(
                "month_closed",
                f"{month.label} 已{month.get_state_display()}，不能再提交；更正请录入当前月份。",
                "occurred_on",
            )
        )
    if not indicator.is_active:
        errors.append(err("indicator_inactive", f"指标“{indicator.name}”已停用。", "indicator"))
    if (indicator.valid_from and line.occurred_on < indicator.valid_from) or (
        indicator.valid_to and line.occurred_on > indicator.valid_to
    ):
        errors.append(
            err(
                "indicator_not_valid",
                f"指标“{indicator.name}”在 {line.occurred_on} 不适用。",
                "indicator",
            )
        )
    if indicator.evidence_required and not line.evidence:
        errors.append(
            err("evidence_required", f"指标“{indicator.name}”须上传佐证照片。", "evidence")
        )
    if line.evidence:
        problem = evidence_validate(line.evidence)
        if problem:
            errors.append(err("invalid_evidence", problem, "evidence"))
    if indicator.monthly_cap is not None and line.quantity >= 1:
        key = (household.pk, indicator.pk, period_of(line.occurred_on))
        if key not in used:
            used[key] = (
                PointRecord.objects.filter(
                    household=household,
                    indicator=indicator,
                    month__period=key[2],
                    status__in=[PointRecord.Status.PENDING, PointRecord.Status.APPROVED],
                ).aggregate(total=Sum("quantity"))["total"]
                or 0
            )
        if used[key] + line.quantity > indicator.monthly_cap:
            left = max(indicator.monthly_cap - used[key], 0)
            errors.append(
                err(
                    "cap_exceeded",
                    f"“{indicator.name}”每户每月最多 {indicator.monthly_cap}{indicator.unit}，"
                    f"农户 {household.number} 本月还可录入 {left}{indicator.unit}。",
                    "quantity",
                )
            )
        used[key] += line.quantity
    return errors


def _idempotent_replay(*, actor: Actor, key: str, fingerprint: str) -> list[PointRecord]:
    """The records an earlier submission with this Idempotency-Key made (empty if none)."""
    if not key:
        return []
    previous = list(
        PointRecord.objects.filter(
            submitted_by=actor.user, idempotency_key__startswith=f"{key}#"
        ).order_by("id")
    )
    if previous and previous[0].request_fingerprint != fingerprint:
        raise Conflict("该 Idempotency-Key 已用于另一次不同的提交。", code="idempotency_key_reused")
    return previous


@transaction.atomic
def point_records_submit(
    *, actor: Actor, lines: list[RecordLine], idempotency_key: str = "", at: datetime | None = None
) -> tuple[list[PointRecord], bool]:
    """Submit one or many records: all are valid and created, or none (per-line errors).

    The households are locked in id order so concurrent submissions for the same household
    serialize and a cap cannot be exceeded by a race. With an ``Idempotency-Key`` a retried
    submission returns the records the first one made (``created`` is False).
    """
    if not lines:
        raise ApplicationError("没有要提交的记录。", code="empty", attr="lines")
    fingerprint = _fingerprint(lines)
    previous = _idempotent_replay(actor=actor, key=idempotency_key, fingerprint=fingerprint)
    if previous:
        return previous, False
    township = township_of_connection()
    today = township_now(township, at).date()
    list(
        Household.objects.select_for_update()
        .filter(pk__in={ln.household.pk for ln in lines})
        .order_by("pk")
    )
    # A concurrent retry of the same submission may have committed while we waited.
    previous = _idempotent_replay(actor=actor, key=idempotency_key, fingerprint=fingerprint)
    if previous:
        return previous, False
    used: dict[tuple[int, int, date], int] = {}
    errors: list[dict[str, Any]] = []
    for index, line in enumerate(lines):
        prefix = f"lines[{index}]." if len(lines) > 1 else ""
        errors += _line_errors(
            actor=actor, line=line, township=township, today=today, used=used, prefix=prefix
        )
    if errors:
        if len(lines) == 1 and all(e["code"] == "permission_denied" for e in errors):
            raise PermissionDenied(errors[0]["detail"], code="permission_denied")
        raise ApplicationError(errors[0]["detail"], code=errors[0]["code"], errors=errors)
    records = []
    for index, line in enumerate(lines):
        month = month_for(period=period_of(line.occurred_on), township=township, at=at)
        record = PointRecord(
            month=month,
            household=line.household,
            indicator=line.indicator,
            indicator_code=line.indicator.code,
            indicator_name=line.indicator.name,
            indicator_version=line.indicator.version,
            standard_category=line.indicator.category.standard,
            points_each=line.indicator.points,
            quantity=line.quantity,
            points=line.indicator.points * line.quantity,
            occurred_on=line.occurred_on,
            note=line.note.strip(),
            submitted_by=actor.user,
            idempotency_key=f"{idempotency_key}#{index}" if idempotency_key else "",
            request_fingerprint=fingerprint if idempotency_key else "",
        )
        if line.evidence:
            # Uploads from a form or the API always carry their file name.
            if line.evidence.name is None:
                raise ValueError("an evidence upload without a file name cannot be stored")
            record.evidence.save(line.evidence.name, line.evidence, save=False)
        records.append(record)
    return PointRecord.objects.bulk_create(records), True


@transaction.atomic
def point_record_withdraw(*, actor: Actor, record: PointRecord) -> PointRecord:
    """The submitter takes back a record nobody has reviewed yet."""
    record = PointRecord.objects.select_for_update().get(pk=record.pk)
    if record.submitted_by_id != actor.user.pk:
        raise PermissionDenied("只能撤回自己提交的记录。", code="not_submitter")
    if record.status != PointRecord.Status.PENDING:
        raise Conflict(
            f"该记录已{record.get_status_display()}，不能撤回。", code="already_reviewed"
        )
    record.status = PointRecord.Status.WITHDRAWN
    record.save(update_fields=["status"])
    return record


@transaction.atomic
def point_records_review(
    *,
    actor: Actor,
    records: list[PointRecord],
    approve: bool,
    reason: str = "",
    at: datetime | None = None,
) -> list[PointRecord]:
    """Approve or reject records, all or none.

    The rows are locked, so of two auditors acting on the same record one wins and the other
    gets 409. Nobody reviews a record of their own household (the township admin does).
    """
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ApplicationError("驳回须填写理由。", code="reason_required", attr="reason")
    if not records:
        raise ApplicationError("没有要审核的记录。", code="empty", attr="records")
    locked = list(
        PointRecord.objects.select_for_update(of=("self",))
        .select_related("household__unit", "month")
        .filter(pk__in=[r.pk for r in records])
        .order_by("pk")
    )
    for record in locked:
        if not actor.can(AUDIT, record.household.unit.path):
            raise forbidden(AUDIT)
        if actor.own_household_id == record.household_id:
            raise PermissionDenied("不能审核本户的记录，请由乡镇管理员审核。", code="self_audit")
    stale = [r.pk for r in locked if r.status != PointRecord.Status.PENDING]
    if stale:
        raise Conflict(
            f"记录 {', '.join(map(str, stale))} 已被审核或撤回。", code="already_reviewed"
        )
    closed = [r.pk for r in locked if r.month.state != Month.State.OPEN]
    if closed:
        raise Conflict("所属月份已结算，不能再审核。", code="month_closed")
    now = at or timezone.now()
    decision = Review.Decision.APPROVED if approve else Review.Decision.REJECTED
    for record in locked:
        record.status = PointRecord.Status.APPROVED if approve else PointRecord.Status.REJECTED
        record.reviewed_by = actor.user
        record.reviewed_at = now
        record.review_reason = reason
    PointRecord.objects.bulk_update(
        locked, ["status", "reviewed_by", "reviewed_at", "review_reason"]
    )
    Review.objects.bulk_create(
        Review(record=r, decision=decision, reason=reason, reviewer=actor.user) for r in locked
    )
    return locked


# ---------------------------------------------------------------- the month
def _lock(month: Month) -> Month:
    return Month.objects.select_for_update().get(pk=month.pk)


def _refuse(month: Month, action: str) -> Conflict:
    return Conflict(
        f"{month.label} 当前为“{month.get_state_display()}”，不能{action}。",
        code="illegal_transition",
    )


@transaction.atomic
def month_close(*, actor: Actor | None, month: Month, at: datetime | None = None) -> Month:
    """Close a finished month and compute its results (idempotent: closing a closed month
    changes nothing). Refused while records await review."""
    if actor is not None and not actor.is_township_admin:
        raise forbidden("manage")
    month = _lock(month)
    if month.state == Month.State.CLOSED:
        return month
    if month.state != Month.State.OPEN:
        raise _refuse(month, "结算")
    township = township_of_connection()
    if township_now(township, at).date() <= period_end(month.period):
        raise Conflict(f"{month.label} 尚未结束，不能结算。", code="month_not_ended")
    pending = month.records.filter(status=PointRecord.Status.PENDING).count()
    if pending:
        raise Conflict(
            f"{month.label} 还有 {pending} 条记录待审核，审核完才能结算。", code="pending_records"
        )
    counts = month_results_compute(month=month, own_weight=township.settings.leader_own_weight)
    month.state = Month.State.CLOSED
    month.closed_at = at or timezone.now()
    month.closed_by = actor.user if actor else None
    month.save(update_fields=["state", "closed_at", "closed_by"])
    audit_record(actor=_actor_label(actor), action="month.close", obj=month, after=counts)
    return month


def villages_unconfirmed(month: Month) -> list[GridUnit]:
    level = village_level()
    confirmed = VillageConfirmation.objects.filter(month=month).values("village_id")
    return list(
        GridUnit.objects.filter(level=level, is_active=True)
        .exclude(pk__in=confirmed)
        .order_by("path")
    )


@transaction.atomic
def month_confirm(
    *,
    actor: Actor,
    month: Month,
    village: GridUnit,
    meeting_type: str,
    meeting_date: date,
    attendees: str,
    at: datetime | None = None,
) -> VillageConfirmation:
    """The village grid leader records the leading group's meeting that confirmed the results.
    When the last village confirms, the month is published."""
    month = _lock(month)
    if not village.level.is_village:
        raise ApplicationError("只有村级网格登记认定会议。", code="not_village", attr="village")
    if not actor.can(AUDIT, village.path):
        raise forbidden(AUDIT)
    existing = VillageConfirmation.objects.filter(month=month, village=village).first()
    if existing is not None:
        return existing
    if month.state != Month.State.CLOSED:
        raise _refuse(month, "登记村级认定")
    if meeting_type not in VillageConfirmation.Meeting.values:
        raise ApplicationError("会议类型无效。", code="invalid_choice", attr="meeting_type")
    if not (attendees or "").strip():
        raise ApplicationError("请填写参会人员。", code="required", attr="attendees")
    if meeting_date <= period_end(month.period):
        raise ApplicationError(
            "认定会议应在月份结束之后召开。", code="invalid_date", attr="meeting_date"
        )
    confirmation = VillageConfirmation.objects.create(
        month=month,
        village=village,
        meeting_type=meeting_type,
        meeting_date=meeting_date,
        attendees=attendees.strip(),
        confirmed_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="month.confirm",
        obj=month,
        after={"village": village.name, "meeting": meeting_type, "date": meeting_date.isoformat()},
    )
    if not villages_unconfirmed(month):
        _publish(actor=actor, month=month, override_reason="", at=at)
    return confirmation


@transaction.atomic
def month_publish(
    *, actor: Actor, month: Month, override_reason: str = "", at: datetime | None = None
) -> Month:
    """Publish a closed month. Normally automatic after every village confirmed; before that
    only the township admin may, with a recorded reason."""
    if not actor.is_township_admin:
        raise forbidden("manage")
    month = _lock(month)
    if month.state == Month.State.PUBLICITY:
        return month
    if month.state != Month.State.CLOSED:
        raise _refuse(month, "公示")
    missing = villages_unconfirmed(month)
    if missing and not (override_reason or "").strip():
        raise Conflict(
            f"尚有 {len(missing)} 个村未认定（{'、'.join(v.name for v in missing[:5])}）；"
            "如需直接公示，请乡镇管理员填写原因。",
            code="villages_unconfirmed",
        )
    return _publish(actor=actor, month=month, override_reason=override_reason.strip(), at=at)


def _publish(*, actor: Actor, month: Month, override_reason: str, at: datetime | None) -> Month:
    township = township_of_connection()
    now = at or timezone.now()
    local = township_now(township, now)
    last_day = local.date() + timedelta(days=township.settings.publicity_days)
    month.state = Month.State.PUBLICITY
    month.published_at = now
    month.publicity_ends_at = datetime.combine(last_day, time.min, tzinfo=local.tzinfo)
    month.publish_override_reason = override_reason
    month.save(
        update_fields=["state", "published_at", "publicity_ends_at", "publish_override_reason"]
    )
    snapshot = _snapshot(
        month=month, reason="公示" if not override_reason else f"公示（{override_reason}）"
    )
    audit_record(
        actor=actor,
        action="month.publish",
        obj=month,
        after={
            "snapshot": snapshot.content_hash,
            "ends": month.publicity_ends_at.isoformat(),
            "override": override_reason,
        },
    )
    return month


def _publicity_ends_at(month: Month) -> datetime:
    """When a month in publicity stops taking objections: ``_publish`` always sets it."""
    if month.publicity_ends_at is None:
        raise RuntimeError(f"{month.label} is in publicity without an end time")
    return month.publicity_ends_at


def _snapshot(*, month: Month, reason: str) -> MonthSnapshot:
    content = month_results_content(month=month)
    current = MonthSnapshot.objects.filter(month=month, superseded_at__isnull=True).first()
    version = 1
    if current is not None:
        current.superseded_at = timezone.now()
        current.save(update_fields=["superseded_at"])
        version = current.version + 1
    return MonthSnapshot.objects.create(
        month=month,
        version=version,
        content=content,
        content_hash=content_hash(content),
        reason=reason,
    )


@transaction.atomic
def month_finalize(*, actor: Actor | None, month: Month, at: datetime | None = None) -> Month:
    """Freeze a published month once its publicity is over and no objection is open; the
    beans are credited in the same transaction (rewards listens to month_finalized)."""
    if actor is not None and not actor.is_township_admin:
        raise forbidden("manage")
    month = _lock(month)
    if month.state == Month.State.FINAL:
        return month
    if month.state != Month.State.PUBLICITY:
        raise _refuse(month, "确认")
    now = at or timezone.now()
    ends_at = _publicity_ends_at(month)
    if now < ends_at:
        raise Conflict(
            f"{month.label} 的公示期到 {timezone.localtime(ends_at):%Y-%m-%d %H:%M} 才结束。",
            code="publicity_not_over",
        )
    open_count = month.objections.filter(status=Objection.Status.OPEN).count()
    if open_count:
        raise Conflict(
            f"{month.label} 还有 {open_count} 条异议未处理，不能确认。", code="open_objections"
        )
    month.state = Month.State.FINAL
    month.finalized_at = now
    month.finalized_by = actor.user if actor else None
    month.save(update_fields=["state", "finalized_at", "finalized_by"])
    audit_record(actor=_actor_label(actor), action="month.finalize", obj=month)
    month_finalized.send(sender=Month, month=month, actor=actor)
    return month


# ---------------------------------------------------------------- objections
@transaction.atomic
def objection_raise(
    *,
    actor: Actor,
    household: Household,
    month: Month,
    reason: str,
    record: PointRecord | None = None,
    at: datetime | None = None,
) -> Objection:
    """A resident (own household) or a leader who can see the household objects during publicity."""
    month = _lock(month)
    is_own = actor.own_household_id == household.pk
    if not is_own and not (
        actor.can(VIEW, household.unit.path) and (actor.unit_grants or actor.sees_whole_township)
    ):
        raise NotFound("没有找到该农户。", code="household_not_found")
    if month.state != Month.State.PUBLICITY or (at or timezone.now()) >= _publicity_ends_at(month):
        raise Conflict(f"{month.label} 不在公示期内，不能提出异议。", code="not_in_publicity")
    if not (reason or "").strip():
        raise ApplicationError("请填写异议理由。", code="required", attr="reason")
    if record is not None and (record.household_id != household.pk or record.month_id != month.pk):
        raise ApplicationError(
            "该记录不属于此农户的本月记录。", code="record_mismatch", attr="record"
        )
    objection = Objection.objects.create(
        month=month, household=household, record=record, reason=reason.strip(), raised_by=actor.user
    )
    audit_record(
        actor=actor,
        action="objection.raise",
        obj=objection,
        after={"household": household.number, "record": record},
    )
    return objection


@transaction.atomic
def objection_decide(
    *,
    actor: Actor,
    objection: Objection,
    uphold: bool,
    reply: str,
    correction_points: int | None = None,
    at: datetime | None = None,
) -> Objection:
    """Uphold (a corrective record, the month recomputed, a new snapshot) or dismiss, with a reply.

    Upholding an objection against a record reverses that record unless the decider gives the
    corrective points; against a household's month the corrective points are required.
    """
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("household__unit", "record", "month")
        .get(pk=objection.pk)
    )
    if not actor.can(AUDIT, objection.household.unit.path):
        raise forbidden(AUDIT)
    if actor.own_household_id == objection.household_id:
        raise PermissionDenied("不能处理本户的异议，请由乡镇管理员处理。", code="self_audit")
    if objection.status != Objection.Status.OPEN:
        raise Conflict("该异议已处理。", code="already_decided")
    reply = (reply or "").strip()
    if not reply:
        raise ApplicationError("请填写答复。", code="required", attr="reply")
    month = _lock(objection.month)
    if month.state != Month.State.PUBLICITY:
        raise _refuse(month, "处理异议")
    now = at or timezone.now()
    if uphold:
        if correction_points is None and objection.record is not None:
            correction_points = -objection.record.points
        if not correction_points:
            raise ApplicationError(
                "采纳异议须填写更正分值（非零）。",
                code="correction_required",
                attr="correction_points",
            )
        source = objection.record
        PointRecord.objects.create(
            month=month,
            household=objection.household,
            indicator=source.indicator if source else None,
            indicator_code=source.indicator_code if source else "OBJ",
            indicator_name=f"异议更正：{source.indicator_name}" if source else "异议更正",
            indicator_version=source.indicator_version if source else 1,
            standard_category=source.standard_category if source else StandardCategory.AUTONOMY,
            points_each=correction_points,
            quantity=1,
            points=correction_points,
            occurred_on=period_end(month.period),
            note=reply[:200],
            kind=PointRecord.Kind.CORRECTION,
            status=PointRecord.Status.APPROVED,
            submitted_by=actor.user,
            reviewed_by=actor.user,
            reviewed_at=now,
            review_reason=f"异议 #{objection.pk} 采纳",
            objection=objection,
        )
        township = township_of_connection()
        month_results_compute(month=month, own_weight=township.settings.leader_own_weight)
        _snapshot(month=month, reason=f"异议 #{objection.pk} 采纳后重算")
    objection.status = Objection.Status.UPHELD if uphold else Objection.Status.DISMISSED
    objection.reply = reply
    objection.decided_by = actor.user
    objection.decided_at = now
    objection.save(update_fields=["status", "reply", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="objection.uphold" if uphold else "objection.dismiss",
        obj=objection,
        after={"reply": reply, "correction_points": correction_points if uphold else None},
    )
    return objection


# ---------------------------------------------------------------- on schedule
def months_advance(*, at: datetime | None = None) -> dict[str, list[str]]:
    """What the beat does for a township each hour: open the current month, close last
    month from its close day on (when nothing awaits review), and finalize months whose
    publicity is over with no open objection. Each step is its own transaction."""
    township = township_of_connection()
    now = at or timezone.now()
    today = township_now(township, now).date()
    done: dict[str, list[str]] = {"opened": [], "closed": [], "finalized": [], "blocked": []}
    month, created = Month.objects.get_or_create(period=period_of(today))
    if created:
        done["opened"].append(month.label)
    if today.day >= township.settings.month_close_day:
        for month in Month.objects.filter(state=Month.State.OPEN, period__lt=period_of(today)):
            try:
                month_close(actor=None, month=month, at=now)
                done["closed"].append(month.label)
            except Conflict as exc:
                done["blocked"].append(f"{month.label}: {exc.message}")
    for month in Month.objects.filter(state=Month.State.PUBLICITY, publicity_ends_at__lte=now):
        try:
            month_finalize(actor=None, month=month, at=now)
            done["finalized"].append(month.label)
        except Conflict as exc:
            done["blocked"].append(f"{month.label}: {exc.message}")
    return done
