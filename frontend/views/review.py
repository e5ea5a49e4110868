"""待审核: the village grid leader's queue of pending records, one by one or many at once."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontend.forms import BulkReviewForm, ReviewForm
from frontend.pages import (
    UNPROCESSABLE,
    actor_of,
    forbidden,
    is_htmx,
    paginate,
    safe_next,
    show_errors,
    township_page,
)
from frontend.readers import can_audit_anything, head_names, review_queue
from governance.actors import AUDIT
from scoring import selectors, services
from tenants.errors import ApplicationError, PermissionDenied

NO_AUDIT = "您没有审核积分记录的权限。"


def _queue_context(request: HttpRequest, bulk_form: BulkReviewForm | None = None) -> dict:
    actor = actor_of(request)
    queue = review_queue(actor=actor)
    query = request.GET.get("q", "").strip()
    if query:
        queue = queue.filter(household__number__icontains=query)
    page = paginate(request, queue)
    names = head_names(actor=actor, household_ids=[r.household_id for r in page])
    return {
        "q": query,
        "page": page,
        "names": names,
        "bulk_form": bulk_form,
        "forms": {},
    }


@township_page
def review_queue_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not can_audit_anything(actor):
        return forbidden(request, NO_AUDIT)
    return render(request, "frontend/review/queue.html", _queue_context(request))


@require_POST
@township_page
def review_bulk(request: HttpRequest) -> HttpResponse:
    """Approve or reject the selected records, all or none (the service locks them)."""
    actor = actor_of(request)
    if not can_audit_anything(actor):
        return forbidden(request, NO_AUDIT)
    ids = [int(v) for v in request.POST.getlist("selected") if v.isdigit()]
    records = list(review_queue(actor=actor).filter(pk__in=ids))
    form = BulkReviewForm(request.POST, record_ids=[r.pk for r in records])
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            done = services.point_records_review(
                actor=actor, records=records, approve=approve, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            show_errors(form, exc, fields={"records": "selected"})
        else:
            verb = "通过" if approve else "驳回"
            messages.success(request, f"已{verb} {len(done)} 条记录。")
            query = request.GET.urlencode()  # the queue as it was filtered (?q=)
            return redirect(f"{reverse('frontend:review')}{'?' + query if query else ''}")
    return render(
        request, "frontend/review/queue.html", _queue_context(request, form), status=UNPROCESSABLE
    )


def _review_one(request: HttpRequest, record_id: int, *, approve: bool) -> HttpResponse:
    actor = actor_of(request)
    record = selectors.record_get_for(actor=actor, record_id=record_id, action=AUDIT)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            (record,) = services.point_records_review(
                actor=actor, records=[record], approve=approve, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            show_errors(form, exc)
    if is_htmx(request):
        return render(
            request,
            "frontend/review/_row.html",
            {
                "r": record,
                "names": head_names(actor=actor, household_ids=[record.household_id]),
                "form": form,
                "done": not form.errors,
            },
            status=UNPROCESSABLE if form.errors else 200,
        )
    if form.errors:
        context = _queue_context(request)
        context["forms"] = {record.pk: form}
        return render(request, "frontend/review/queue.html", context, status=UNPROCESSABLE)
    verb = "通过" if approve else "驳回"
    messages.success(request, f"已{verb}记录 #{record.pk}（农户 {record.household.number}）。")
    return redirect(safe_next(request, reverse("frontend:review")))


@require_POST
@township_page
def record_approve(request: HttpRequest, record_id: int) -> HttpResponse:
    return _review_one(request, record_id, approve=True)


@require_POST
@township_page
def record_reject(request: HttpRequest, record_id: int) -> HttpResponse:
    return _review_one(request, record_id, approve=False)
