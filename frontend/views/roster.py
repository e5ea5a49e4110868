"""花名册: upload a roster (.xlsx) as an import job, follow its progress (htmx polls the job
every second until it is done), read its per-row report; the template and the export.

The job runs in the Celery worker (governance.tasks.roster_import_run); the page only
reads the job row. Who may import: the village info administrators and the township admin
(governance.roster.can_import); each sees their own jobs, the admin every job.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from frontend.forms_manage import RosterUploadForm
from frontend.pages import (
    UNPROCESSABLE,
    actor_of,
    download,
    forbidden,
    is_htmx,
    paginate,
    posted,
    posted_files,
    show_errors,
    township_page,
)
from governance import roster
from governance.actors import ENTER
from governance.models import RosterImport
from governance.selectors import unit_get_for, unit_list_for
from tenants.errors import ApplicationError, NotFound, PermissionDenied

NO_IMPORT = "只有信息管理员和乡镇管理员可以导入花名册。"
ERRORS_PER_PAGE = 100


def _export_units(request: HttpRequest) -> list:
    """Units to export: the villages (and above) the actor enters data for."""
    actor = actor_of(request)
    return list(unit_list_for(actor=actor, action=ENTER).filter(level__is_village=True))


@township_page
def roster_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not roster.can_import(actor):
        return forbidden(request, NO_IMPORT)
    form = RosterUploadForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        try:
            job = roster.roster_import_create(actor=actor, file=form.cleaned_data["file"])
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"已上传“{job.filename}”，正在排队导入。")
            return redirect("frontend:roster_import", job.pk)
    jobs = roster.roster_import_list_for(actor=actor).defer("errors")
    return render(
        request,
        "frontend/roster/index.html",
        {
            "form": form,
            "page": paginate(request, jobs),
            "units": _export_units(request),
            "max_rows": roster.MAX_ROWS,
        },
        status=UNPROCESSABLE if form.errors else 200,
    )


def _job_context(request: HttpRequest, job: RosterImport) -> dict:
    errors = list(job.errors or []) if job.is_finished else []
    return {
        "job": job,
        "progress": roster.roster_import_progress(job),
        "errors": paginate(request, errors, per_page=ERRORS_PER_PAGE, param="errors"),
    }


@township_page
def roster_import(request: HttpRequest, import_id: int) -> HttpResponse:
    job = roster.roster_import_get_for(actor=actor_of(request), import_id=import_id)
    return render(request, "frontend/roster/job.html", _job_context(request, job))


@township_page
def roster_progress(request: HttpRequest, import_id: int) -> HttpResponse:
    """The job's status block; htmx asks for it every second while the job runs (the block
    it returns stops asking once the job is finished)."""
    job = roster.roster_import_get_for(actor=actor_of(request), import_id=import_id)
    if not is_htmx(request):
        return redirect("frontend:roster_import", job.pk)
    return render(request, "frontend/roster/_status.html", _job_context(request, job))


@township_page
def roster_template(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not roster.can_import(actor):
        return forbidden(request, NO_IMPORT)
    content = roster.roster_template_build(actor=actor)
    return download(content, filename="花名册模板.xlsx", content_type=roster.XLSX_CONTENT_TYPE)


@township_page
def roster_export(request: HttpRequest) -> HttpResponse:
    """The residents the actor may see, in the template's columns (personal numbers in
    clear only where the actor may see them)."""
    actor = actor_of(request)
    if not roster.can_import(actor):
        return forbidden(request, NO_IMPORT)
    under = None
    if request.GET.get("under", "").isdigit():
        under = unit_get_for(actor=actor, unit_id=int(request.GET["under"]))
    content = roster.roster_export_build(actor=actor, under=under)
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"花名册-{under.name if under else '全部'}-{stamp}.xlsx"
    return download(content, filename=name, content_type=roster.XLSX_CONTENT_TYPE)
