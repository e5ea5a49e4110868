"""The catalog, point records and their review, months, results and objections."""

from __future__ import annotations

import mimetypes
from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ScopedViewSet
from api.filters import SubtreeFilter
from governance import selectors as grid
from governance.actors import AUDIT, SUBMIT, Actor
from scoring import selectors, services
from scoring.models import (
    Category,
    HouseholdMonthResult,
    Indicator,
    IndicatorRevision,
    LeaderMonthResult,
    Month,
    Objection,
    PointRecord,
    UnitMonthResult,
    VillageConfirmation,
)
from tenants.errors import ApplicationError, NotFound

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="重试同一提交时带上相同的键，只会产生一次记录。",
)


# ---------------------------------------------------------------- catalog
class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "standard", "position"]
        read_only_fields = ["id", "position"]


class IndicatorSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    standard = serializers.CharField(source="category.standard", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "category",
            "category_name",
            "standard",
            "points",
            "unit",
            "evidence_required",
            "monthly_cap",
            "valid_from",
            "valid_to",
            "is_active",
            "version",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "updated_at", "category_name", "standard"]


class IndicatorRevisionSerializer(serializers.ModelSerializer):
    changed_by = serializers.CharField(source="changed_by.username", default=None, read_only=True)

    class Meta:
        model = IndicatorRevision
        fields = ["version", "snapshot", "changed_by", "changed_at"]


@extend_schema(tags=["catalog"])
class CategoryViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    serializer_class = CategorySerializer
    scoped_model = Category
    pagination_class = None

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[Category]:
        return selectors.category_list()

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.category_create(
            actor=self.actor, **serializer.validated_data
        )


class IndicatorFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__code")
    standard = django_filters.CharFilter(field_name="category__standard")
    is_active = django_filters.BooleanFilter()


@extend_schema(tags=["catalog"])
class IndicatorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """The township's indicator catalog. The township admin edits it; every edit is a new
    version with its revision kept, and past records keep what they copied."""

    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    scoped_model = Indicator
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[Indicator]:
        return selectors.indicator_list()

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.indicator_create(
            actor=self.actor, category=data.pop("category"), **data
        )

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.indicator_update(
            actor=self.actor,
            indicator=cast(Indicator, serializer.instance),  # an update always has its instance
            **serializer.validated_data,
        )

    @extend_schema(responses=IndicatorRevisionSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def revisions(self, request: Request, pk: str) -> Response:
        indicator = self.get_object()
        revisions = indicator.revisions.select_related("changed_by").order_by("version")
        return Response(IndicatorRevisionSerializer(revisions, many=True).data)


# ---------------------------------------------------------------- records
class PointRecordSerializer(serializers.ModelSerializer):
    month = serializers.CharField(source="month.label", read_only=True)
    household_number = serializers.CharField(source="household.number", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None, read_only=True)
    evidence = serializers.SerializerMethodField(
        help_text="佐证照片的地址（需登录，按权限范围提供）"
    )

    class Meta:
        model = PointRecord
        fields = [
            "id",
            "month",
            "household",
            "household_number",
            "indicator",
            "indicator_code",
            "indicator_name",
            "indicator_version",
            "standard_category",
            "points_each",
            "quantity",
            "points",
            "occurred_on",
            "note",
            "evidence",
            "kind",
            "status",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_reason",
            "objection",
        ]
        read_only_fields = fields

    def get_evidence(self, record: PointRecord) -> str | None:
        return f"/api/v1/records/{record.pk}/evidence/" if record.evidence else None


class RecordLineSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    indicator = serializers.IntegerField()
    occurred_on = serializers.DateField()
    quantity = serializers.IntegerField(default=1, min_value=1, max_value=1000)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    evidence = serializers.ImageField(required=False, allow_null=True)


class BatchSerializer(serializers.Serializer):
    # many_init is what ``many=True`` calls; the stubs do not let min/max_length through it.
    lines = RecordLineSerializer.many_init(min_length=1, max_length=500)


class ReviewSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BulkReviewSerializer(serializers.Serializer):
    records = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=500)
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RecordFilter(django_filters.FilterSet):
    month = django_filters.CharFilter(method="filter_month", label="YYYY-MM")
    status = django_filters.ChoiceFilter(choices=PointRecord.Status.choices)
    kind = django_filters.ChoiceFilter(choices=PointRecord.Kind.choices)
    household = django_filters.NumberFilter(field_name="household_id")
    indicator = django_filters.CharFilter(field_name="indicator_code")
    under = SubtreeFilter(path_field="household__unit__path")
    mine = django_filters.BooleanFilter(method="filter_mine", label="我提交的")

    def filter_month(
        self, qs: QuerySet[PointRecord], name: str, value: str
    ) -> QuerySet[PointRecord]:
        return qs.filter(month__period=services.parse_period(value))

    def filter_mine(
        self, qs: QuerySet[PointRecord], name: str, value: bool
    ) -> QuerySet[PointRecord]:
        return qs.filter(submitted_by=self.request.user) if value else qs


@extend_schema(tags=["records"])
@extend_schema_view(
    create=extend_schema(request=RecordLineSerializer, parameters=[IDEMPOTENCY_HEADER]),
)
class PointRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Point records the actor can see. Group leaders submit for their group, info
    administrators for their village; village grid leaders review."""

    serializer_class = PointRecordSerializer
    filterset_class = RecordFilter
    scoped_model = PointRecord
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[PointRecord]:
        return selectors.record_list_for(actor=actor)

    def _lines(self, rows: list[dict[str, Any]]) -> list[services.RecordLine]:
        indicators = {
            i.pk: i
            for i in selectors.indicator_list().filter(pk__in={r["indicator"] for r in rows})
        }
        lines = []
        for index, row in enumerate(rows):
            household = grid.household_get_for(
                actor=self.actor, household_id=row["household"], action=SUBMIT
            )
            indicator = indicators.get(row["indicator"])
            if indicator is None:
                attr = f"lines[{index}].indicator" if len(rows) > 1 else "indicator"
                raise serializers.ValidationError({attr: ["没有该积分指标。"]})
            lines.append(
                services.RecordLine(
                    household=household,
                    indicator=indicator,
                    occurred_on=row["occurred_on"],
                    quantity=row["quantity"],
                    note=row.get("note", ""),
                    evidence=row.get("evidence"),
                )
            )
        return lines

    def _submit(
        self, request: Request, rows: list[dict[str, Any]]
    ) -> tuple[list[PointRecord], bool]:
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 64:
            raise ApplicationError(
                "Idempotency-Key 不能超过 64 个字符。", code="invalid_idempotency_key"
            )
        return services.point_records_submit(
            actor=self.actor, lines=self._lines(rows), idempotency_key=key
        )

    def create(self, request: Request) -> Response:
        data = RecordLineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        records, created = self._submit(request, [data.validated_data])
        return Response(
            PointRecordSerializer(records[0], context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        request=BatchSerializer,
        responses=PointRecordSerializer(many=True),
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=False, methods=["post"])
    def batch(self, request: Request) -> Response:
        """One indicator for many households, or many lines for one household: all or none."""
        data = BatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        records, created = self._submit(request, data.validated_data["lines"])
        return Response(
            PointRecordSerializer(records, many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _review(self, request: Request, pk: str, *, approve: bool) -> Response:
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = selectors.record_get_for(actor=self.actor, record_id=int(pk), action=AUDIT)
        (record,) = services.point_records_review(
            actor=self.actor,
            records=[record],
            approve=approve,
            reason=data.validated_data["reason"],
        )
        return Response(PointRecordSerializer(record, context=self.get_serializer_context()).data)

    @extend_schema(request=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._review(request, pk, approve=True)

    @extend_schema(request=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._review(request, pk, approve=False)

    @extend_schema(request=BulkReviewSerializer, responses=PointRecordSerializer(many=True))
    @action(detail=False, methods=["post"])
    def review(self, request: Request) -> Response:
        """Approve or reject many records at once (all or none)."""
        data = BulkReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["records"]
        records = list(self.get_queryset().filter(pk__in=ids))
        if len(records) != len(set(ids)):
            missing = sorted(set(ids) - {r.pk for r in records})
            raise ApplicationError(
                f"没有找到记录 {missing}。", code="record_not_found", attr="records"
            )
        records = services.point_records_review(
            actor=self.actor,
            records=records,
            approve=data.validated_data["decision"] == "approve",
            reason=data.validated_data["reason"],
        )
        return Response(
            PointRecordSerializer(records, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY})
    @action(detail=True)
    def evidence(self, request: Request, pk: str) -> FileResponse:
        """The record's evidence photo, for whoever may see the record (never a public URL)."""
        record = selectors.record_get_for(actor=self.actor, record_id=int(pk))
        if not record.evidence:
            raise NotFound("该记录没有佐证照片。", code="no_evidence")
        response = FileResponse(
            record.evidence.open("rb"),
            content_type=mimetypes.guess_type(record.evidence.name or "")[0],
        )
        response["Cache-Control"] = "private, max-age=300"
        return response

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        record = selectors.record_get_for(actor=self.actor, record_id=int(pk))
        record = services.point_record_withdraw(actor=self.actor, record=record)
        return Response(PointRecordSerializer(record, context=self.get_serializer_context()).data)


# ---------------------------------------------------------------- months and results
class ConfirmationSerializer(serializers.ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)
    confirmed_by = serializers.CharField(source="confirmed_by.username", read_only=True)

    class Meta:
        model = VillageConfirmation
        fields = [
            "village",
            "village_name",
            "meeting_type",
            "meeting_date",
            "attendees",
            "confirmed_by",
            "confirmed_at",
        ]
        read_only_fields = fields


class MonthSerializer(serializers.ModelSerializer):
    month = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = Month
        fields = [
            "month",
            "state",
            "closed_at",
            "published_at",
            "publicity_ends_at",
            "publish_override_reason",
            "finalized_at",
        ]
        read_only_fields = fields


class MonthDetailSerializer(MonthSerializer):
    confirmations = serializers.SerializerMethodField()
    unconfirmed_villages = serializers.SerializerMethodField()
    snapshot = serializers.SerializerMethodField()
    open_objections = serializers.SerializerMethodField()

    class Meta(MonthSerializer.Meta):
        fields = [
            *MonthSerializer.Meta.fields,
            "confirmations",
            "unconfirmed_villages",
            "snapshot",
            "open_objections",
        ]
        read_only_fields = fields

    def get_confirmations(self, month: Month) -> list[dict[str, Any]]:
        confirmations = ConfirmationSerializer(
            month.confirmations.select_related("village", "confirmed_by"), many=True
        )
        return cast("list[dict[str, Any]]", confirmations.data)  # many=True: a list

    def get_unconfirmed_villages(self, month: Month) -> list[dict[str, Any]]:
        if month.state != Month.State.CLOSED:
            return []
        return [{"id": v.pk, "name": v.name} for v in services.villages_unconfirmed(month)]

    def get_snapshot(self, month: Month) -> dict[str, Any] | None:
        snapshot = selectors.month_current_snapshot(month)
        if snapshot is None:
            return None
        return {
            "version": snapshot.version,
            "content_hash": snapshot.content_hash,
            "created_at": snapshot.created_at,
        }

    def get_open_objections(self, month: Month) -> int:
        return month.objections.filter(status=Objection.Status.OPEN).count()


class ConfirmSerializer(serializers.Serializer):
    village = serializers.IntegerField()
    meeting_type = serializers.ChoiceField(choices=VillageConfirmation.Meeting.choices)
    meeting_date = serializers.DateField()
    attendees = serializers.CharField(max_length=2000)


class PublishSerializer(serializers.Serializer):
    override_reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class HouseholdResultSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number")
    unit_name = serializers.CharField(source="unit.name")

    class Meta:
        model = HouseholdMonthResult
        fields = ["household", "household_number", "unit", "unit_name", "points", "record_count"]


class UnitResultSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    level = serializers.IntegerField(source="unit.level.depth")
    level_name = serializers.CharField(source="unit.level.name")

    class Meta:
        model = UnitMonthResult
        fields = ["unit", "unit_name", "level", "level_name", "points", "households"]


class LeaderResultSerializer(serializers.ModelSerializer):
    leader = serializers.CharField(source="user.display_name")
    unit_name = serializers.CharField(source="unit.name")
    title = serializers.CharField(source="unit.level.leader_title")
    own_household_number = serializers.CharField(source="own_household.number")
    own_half = serializers.SerializerMethodField()
    unit_half = serializers.SerializerMethodField()

    class Meta:
        model = LeaderMonthResult
        fields = [
            "assignment",
            "leader",
            "title",
            "unit",
            "unit_name",
            "own_household",
            "own_household_number",
            "own_points",
            "unit_points",
            "unit_households",
            "unit_average",
            "own_weight",
            "own_half",
            "unit_half",
            "score",
        ]

    def get_own_half(self, result: LeaderMonthResult) -> str:
        return str(result.own_weight * result.own_points)

    def get_unit_half(self, result: LeaderMonthResult) -> str:
        return str(((1 - result.own_weight) * result.unit_average).quantize(result.unit_average))


RESULT_KINDS = {
    "households": (selectors.household_results_for, HouseholdResultSerializer),
    "units": (selectors.unit_results_for, UnitResultSerializer),
    "leaders": (selectors.leader_results_for, LeaderResultSerializer),
}


@extend_schema(tags=["months"])
class MonthViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The township's months and their state machine: close → confirm → publish → finalize."""

    serializer_class = MonthSerializer
    scoped_model = Month
    lookup_field = "period"
    lookup_value_regex = r"\d{4}-\d{2}"

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[Month]:
        return selectors.month_list()

    def _month(self) -> Month:
        return selectors.month_get(label=self.kwargs["period"])

    @extend_schema(responses=MonthDetailSerializer)
    def retrieve(self, request: Request, period: str) -> Response:
        return Response(MonthDetailSerializer(self._month()).data)

    @extend_schema(request=None, responses=MonthDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, period: str) -> Response:
        month = services.month_close(actor=self.actor, month=self._month())
        return Response(MonthDetailSerializer(month).data)

    @extend_schema(request=ConfirmSerializer, responses=MonthDetailSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, period: str) -> Response:
        data = ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        village = grid.unit_get_for(
            actor=self.actor, unit_id=data.validated_data.pop("village"), action=AUDIT
        )
        services.month_confirm(
            actor=self.actor, month=self._month(), village=village, **data.validated_data
        )
        return Response(MonthDetailSerializer(self._month()).data)

    @extend_schema(request=PublishSerializer, responses=MonthDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, period: str) -> Response:
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        month = services.month_publish(actor=self.actor, month=self._month(), **data.validated_data)
        return Response(MonthDetailSerializer(month).data)

    @extend_schema(request=None, responses=MonthDetailSerializer)
    @action(detail=True, methods=["post"])
    def finalize(self, request: Request, period: str) -> Response:
        month = services.month_finalize(actor=self.actor, month=self._month())
        return Response(MonthDetailSerializer(month).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind",
                str,
                enum=list(RESULT_KINDS),
                description="households (default), units, leaders",
            ),
            OpenApiParameter("under", int, description="网格（含下级）"),
            OpenApiParameter("level", int, description="units: 层级序号"),
        ],
        responses=HouseholdResultSerializer(many=True),
    )
    @action(detail=True)
    def results(self, request: Request, period: str) -> Response:
        """The month's results the actor can see: households, units (every level) or leaders."""
        month = self._month()
        if month.state == Month.State.OPEN:
            raise ApplicationError(f"{month.label} 尚未结算，没有结果。", code="month_open")
        kind = request.query_params.get("kind", "households")
        if kind not in RESULT_KINDS:
            raise serializers.ValidationError(
                {"kind": ["kind 只能是 households、units 或 leaders。"]}
            )
        selector, serializer_class = RESULT_KINDS[kind]
        queryset = selector(actor=self.actor, month=month)
        under = request.query_params.get("under")
        if under:
            unit = grid.unit_get_for(actor=self.actor, unit_id=int(under))
            field = {"households": "unit__path", "units": "unit__path", "leaders": "unit__path"}[
                kind
            ]
            queryset = queryset.filter(**{f"{field}__startswith": unit.path})
        if kind == "units" and request.query_params.get("level"):
            queryset = queryset.filter(unit__level__depth=int(request.query_params["level"]))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(responses=PointRecordSerializer(many=True))
    @action(detail=True, url_path=r"results/households/(?P<household_id>\d+)")
    def household_result(self, request: Request, period: str, household_id: str) -> Response:
        """Drill down: the household's approved records that make up its month points."""
        month = self._month()
        household = grid.household_get_for(actor=self.actor, household_id=int(household_id))
        result = HouseholdMonthResult.objects.filter(month=month, household=household).first()
        records = (
            PointRecord.objects.filter(
                month=month, household=household, status=PointRecord.Status.APPROVED
            )
            .select_related("month", "household", "submitted_by", "reviewed_by")
            .order_by("occurred_on", "id")
        )
        return Response(
            {
                "household": household.pk,
                "household_number": household.number,
                "points": result.points if result else None,
                "records": PointRecordSerializer(records, many=True).data,
                "records_sum": sum(r.points for r in records),
            }
        )

    @extend_schema(responses=HouseholdResultSerializer(many=True))
    @action(detail=True, url_path=r"results/units/(?P<unit_id>\d+)")
    def unit_result(self, request: Request, period: str, unit_id: str) -> Response:
        """Drill down: a unit's total is the sum of these households."""
        month = self._month()
        unit = grid.unit_get_for(actor=self.actor, unit_id=int(unit_id))
        result = UnitMonthResult.objects.filter(month=month, unit=unit).first()
        households = (
            HouseholdMonthResult.objects.filter(month=month, unit__path__startswith=unit.path)
            .select_related("household", "unit")
            .order_by("-points", "household__number")
        )
        page = self.paginate_queryset(households)
        response = self.get_paginated_response(HouseholdResultSerializer(page, many=True).data)
        response.data["unit"] = {
            "id": unit.pk,
            "name": unit.name,
            "points": result.points if result else None,
        }
        return response

    @extend_schema(responses=LeaderResultSerializer)
    @action(detail=True, url_path=r"results/leaders/(?P<assignment_id>\d+)")
    def leader_result(self, request: Request, period: str, assignment_id: str) -> Response:
        """Drill down: a leader's score and its two halves."""
        month = self._month()
        result = (
            selectors.leader_results_for(actor=self.actor, month=month)
            .filter(assignment_id=int(assignment_id))
            .first()
        )
        if result is None:
            raise grid.NotFound("没有找到该网格负责人的月度积分。", code="not_found")
        return Response(LeaderResultSerializer(result).data)


# ---------------------------------------------------------------- objections
class ObjectionSerializer(serializers.ModelSerializer):
    month = serializers.CharField(source="month.label", read_only=True)
    household_number = serializers.CharField(source="household.number", read_only=True)
    raised_by = serializers.CharField(source="raised_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "month",
            "household",
            "household_number",
            "record",
            "reason",
            "status",
            "raised_by",
            "raised_at",
            "reply",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class ObjectionCreateSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$")
    household = serializers.IntegerField()
    record = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=500)


class ObjectionDecisionSerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=500)
    correction_points = serializers.IntegerField(required=False, allow_null=True)


class ObjectionFilter(django_filters.FilterSet):
    month = django_filters.CharFilter(method="filter_month")
    status = django_filters.ChoiceFilter(choices=Objection.Status.choices)
    household = django_filters.NumberFilter(field_name="household_id")

    def filter_month(self, qs: QuerySet[Objection], name: str, value: str) -> QuerySet[Objection]:
        return qs.filter(month__period=services.parse_period(value))


@extend_schema(tags=["objections"])
@extend_schema_view(create=extend_schema(request=ObjectionCreateSerializer))
class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Objections (异议) during a month's publicity."""

    serializer_class = ObjectionSerializer
    filterset_class = ObjectionFilter
    scoped_model = Objection

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[Objection]:
        return selectors.objection_list_for(actor=actor)

    def create(self, request: Request) -> Response:
        data = ObjectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        month = selectors.month_get(label=data.validated_data["month"])
        household = grid.household_get_for(
            actor=self.actor, household_id=data.validated_data["household"]
        )
        record = None
        if data.validated_data.get("record"):
            record = selectors.record_get_for(
                actor=self.actor, record_id=data.validated_data["record"]
            )
        objection = services.objection_raise(
            actor=self.actor,
            household=household,
            month=month,
            record=record,
            reason=data.validated_data["reason"],
        )
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)

    def _decide(self, request: Request, pk: str, *, uphold: bool) -> Response:
        data = ObjectionDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = selectors.objection_get_for(actor=self.actor, objection_id=int(pk))
        objection = services.objection_decide(
            actor=self.actor, objection=objection, uphold=uphold, **data.validated_data
        )
        return Response(ObjectionSerializer(objection).data)

    @extend_schema(request=ObjectionDecisionSerializer)
    @action(detail=True, methods=["post"])
    def uphold(self, request: Request, pk: str) -> Response:
        return self._decide(request, pk, uphold=True)

    @extend_schema(request=ObjectionDecisionSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str) -> Response:
        return self._decide(request, pk, uphold=False)
