"""Roster (花名册) import and export: upload an .xlsx, poll the import job, download the
template or the residents the actor may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ActorAPIView, ScopedViewSet
from governance import roster, selectors
from governance.actors import Actor
from governance.models import RosterImport


# ---------------------------------------------------------------- serializers
class RosterErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="表格行号（表头为第 1 行）")
    column = serializers.CharField(allow_null=True, help_text="列名，如“身份证号”")
    code = serializers.CharField()
    message = serializers.CharField()


# One serializer for lists and single jobs, so the OpenAPI document names the status enum
# once (two components sharing it would collide with other apps' "status" enums).
class RosterImportSerializer(serializers.ModelSerializer):
    """An import job. ``errors`` is the report (the first errors in row order;
    ``error_count`` says how many): given with a single job, null in lists."""

    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    progress = serializers.SerializerMethodField(help_text="进度百分比（0–100）")
    # Declared fields are popped off the class, so this does not hide Serializer.errors.
    errors = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="错误报告（列表中为 null，请查看单个任务）"
    )

    class Meta:
        model = RosterImport
        fields = [
            "id",
            "filename",
            "status",
            "status_display",
            "total_rows",
            "processed_rows",
            "progress",
            "error_count",
            "errors",
            "created",
            "uploaded_by",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_progress(self, job: RosterImport) -> int:
        return roster.roster_import_progress(job)

    @extend_schema_field(RosterErrorSerializer(many=True, allow_null=True))
    def get_errors(self, job: RosterImport) -> list[dict[str, Any]] | None:
        if "errors" in job.get_deferred_fields():
            return None
        return list(job.errors)


class RosterUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="按模板填写的 .xlsx 花名册")


class RosterExportQuerySerializer(serializers.Serializer):
    under = serializers.IntegerField(
        required=False, min_value=1, help_text="只导出该网格（含下级）的村民"
    )


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=roster.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


XLSX_RESPONSE = {(200, roster.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY}


# ---------------------------------------------------------------- views
@extend_schema(tags=["roster"])
class RosterImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Roster imports. Upload answers 202 with the job; poll it until ``succeeded`` or
    ``failed``. The uploader and the township admin see a job; anyone else gets 404."""

    scoped_model = RosterImport
    parser_classes = [MultiPartParser]

    serializer_class = RosterImportSerializer

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[RosterImport]:
        jobs = roster.roster_import_list_for(actor=actor)
        # A list shows counts, not reports: up to a thousand errors per job stay unread.
        return jobs if self.action == "retrieve" else jobs.defer("errors")

    @extend_schema(request=RosterUploadSerializer, responses={202: RosterImportSerializer})
    def create(self, request: Request) -> Response:
        """Upload a roster (.xlsx, multipart field ``file``) and queue its import."""
        data = RosterUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = roster.roster_import_create(actor=self.actor, file=data.validated_data["file"])
        job = roster.roster_import_get_for(actor=self.actor, import_id=job.pk)
        return Response(
            RosterImportSerializer(job).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": f"{request.path}{job.pk}/"},
        )


class RosterTemplateView(ActorAPIView):
    @extend_schema(tags=["roster"], responses=XLSX_RESPONSE)
    def get(self, request: Request) -> HttpResponse:
        """The roster template: header row, one example row and a “说明” sheet."""
        return xlsx_response(roster.roster_template_build(actor=self.actor), "花名册模板.xlsx")


class RosterExportView(ActorAPIView):
    @extend_schema(
        tags=["roster"], parameters=[RosterExportQuerySerializer], responses=XLSX_RESPONSE
    )
    def get(self, request: Request) -> HttpResponse:
        """The residents the actor may see, as a roster in the template's columns. Full ID
        numbers and phones only where the actor may see them (otherwise masked)."""
        query = RosterExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        under_id = query.validated_data.get("under")
        under = selectors.unit_get_for(actor=self.actor, unit_id=under_id) if under_id else None
        content = roster.roster_export_build(actor=self.actor, under=under)
        stamp = timezone.localdate().strftime("%Y%m%d")
        name = f"花名册-{under.name if under else '全部'}-{stamp}.xlsx"
        return xlsx_response(content, name)
