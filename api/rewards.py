"""Beans: ledger, merchants and products, redemptions at the counter, household cards,
quarterly tiers, annual awards, the negative list and settlements."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ActorAPIView, ScopedViewSet
from api.filters import SubtreeFilter
from api.scoring import IDEMPOTENCY_HEADER
from governance import selectors as grid
from governance.actors import AUDIT, Actor
from governance.personal_data import mask_name
from rewards import documents, reports, selectors, services
from rewards.models import (
    AnnualAward,
    BeanAccount,
    LedgerEntry,
    Merchant,
    NegativeListEntry,
    Product,
    Redemption,
    RedemptionLine,
    TierRating,
)
from scoring.services import parse_period
from tenants.errors import ApplicationError, NotFound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


# ---------------------------------------------------------------- ledger
class LedgerEntrySerializer(serializers.ModelSerializer):
    household = serializers.IntegerField(source="account.household_id")
    household_number = serializers.CharField(source="account.household.number")
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "household",
            "household_number",
            "kind",
            "amount",
            "balance_after",
            "deficit_change",
            "source_type",
            "source_id",
            "reverses",
            "note",
            "actor",
            "created_at",
        ]
        read_only_fields = fields


class AccountSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number")

    class Meta:
        model = BeanAccount
        fields = ["household", "household_number", "balance", "deficit", "updated_at"]


class LedgerFilter(django_filters.FilterSet):
    household = django_filters.NumberFilter(field_name="account__household_id")
    kind = django_filters.ChoiceFilter(choices=LedgerEntry.Kind.choices)
    under = SubtreeFilter(path_field="account__household__unit__path")


@extend_schema(tags=["ledger"])
class LedgerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Every change to a household's beans (append-only). A resident sees their own."""

    serializer_class = LedgerEntrySerializer
    filterset_class = LedgerFilter
    scoped_model = LedgerEntry

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[LedgerEntry]:
        return selectors.entry_list_for(actor=actor)

    @extend_schema(
        responses=AccountSerializer(many=True),
        parameters=[OpenApiParameter("household", int), OpenApiParameter("under", int)],
    )
    @action(detail=False)
    def accounts(self, request: Request) -> Response:
        """Balances (and any deficit still to be offset) of the households in reach."""
        queryset = selectors.account_list_for(actor=self.actor).order_by("household__number")
        if request.query_params.get("household"):
            queryset = queryset.filter(household_id=int(request.query_params["household"]))
        if request.query_params.get("under"):
            unit = grid.unit_get_for(actor=self.actor, unit_id=int(request.query_params["under"]))
            queryset = queryset.filter(household__unit__path__startswith=unit.path)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(AccountSerializer(page, many=True).data)


# ---------------------------------------------------------------- merchants and products
class MerchantSerializer(serializers.ModelSerializer):
    village_name = serializers.CharField(source="village.name", default=None, read_only=True)

    class Meta:
        model = Merchant
        fields = ["id", "name", "kind", "village", "village_name", "address", "is_active"]
        read_only_fields = ["id", "village_name"]


class OperatorSerializer(serializers.Serializer):
    user = serializers.CharField(help_text="username")
    operates = serializers.BooleanField(default=True)


@extend_schema(tags=["merchants"])
@extend_schema_view(create=extend_schema(request=MerchantSerializer))
class MerchantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """共富超市 and partner units where beans are spent."""

    serializer_class = MerchantSerializer
    scoped_model = Merchant

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[Merchant]:
        return selectors.merchant_list_for(actor=actor)

    def create(self, request: Request) -> Response:
        data = MerchantSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        merchant = services.merchant_create(
            actor=self.actor, **{k: v for k, v in values.items() if k != "is_active"}
        )
        return Response(MerchantSerializer(merchant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OperatorSerializer, responses=MerchantSerializer)
    @action(detail=True, methods=["post"])
    def operators(self, request: Request, pk: str) -> Response:
        """Grant or revoke a township account's right to operate this merchant's counter."""
        merchant = selectors.merchant_get_for(actor=self.actor, merchant_id=int(pk))
        data = OperatorSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = (
            grid.user_list_for(actor=self.actor)
            .filter(username=data.validated_data["user"])
            .first()
        )
        if user is None:
            raise serializers.ValidationError({"user": ["没有该用户名的账号。"]})
        services.merchant_operator_set(
            actor=self.actor, merchant=merchant, user=user, operates=data.validated_data["operates"]
        )
        return Response(MerchantSerializer(merchant).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
            OpenApiParameter("export", str, enum=["xlsx"], description="xlsx: download a workbook"),
        ],
        responses=inline_serializer(
            "Settlement",
            {
                "merchant": serializers.DictField(),
                "month": serializers.CharField(),
                "items": serializers.ListField(child=serializers.DictField()),
                "total_beans": serializers.IntegerField(),
                "total_quantity": serializers.IntegerField(),
                "redemptions": serializers.IntegerField(),
            },
        ),
    )
    @action(detail=True)
    def settlement(self, request: Request, pk: str) -> Response | HttpResponse:
        """The month's items and beans redeemed here, for the village to reimburse the shop."""
        merchant = selectors.merchant_get_for(actor=self.actor, merchant_id=int(pk))
        period = parse_period(request.query_params.get("month", ""))
        data = selectors.settlement_for(actor=self.actor, merchant=merchant, period=period)
        if request.query_params.get("export") == "xlsx":
            rows = [
                [i["product_name"], i["unit_price"], i["quantity"], i["beans"], i["redemptions"]]
                for i in data["items"]
            ]
            rows.append(
                ["合计", "", data["total_quantity"], data["total_beans"], data["redemptions"]]
            )
            content = documents.xlsx(
                title=f"{merchant.name}{data['month']}结算",
                headers=["商品", "单价（豆）", "数量", "积分豆", "兑换笔数"],
                rows=rows,
                widths=[24, 12, 10, 12, 12],
            )
            return download(
                content,
                filename=f"settlement-{merchant.pk}-{data['month']}.xlsx",
                content_type=XLSX,
            )
        return Response(data)


class ProductSerializer(serializers.ModelSerializer):
    merchant_name = serializers.CharField(source="merchant.name", read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "merchant",
            "merchant_name",
            "name",
            "unit",
            "bean_price",
            "stock",
            "is_preferential",
            "active_from",
            "active_to",
            "is_active",
        ]
        read_only_fields = ["id", "merchant_name"]


class ProductFilter(django_filters.FilterSet):
    merchant = django_filters.NumberFilter(field_name="merchant_id")
    is_active = django_filters.BooleanFilter()


@extend_schema(tags=["merchants"])
class ProductViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Goods and services with a bean price; the admin or the merchant's operator edits them."""

    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    scoped_model = Product
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[Product]:
        return selectors.product_list_for(actor=actor)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        values = dict(serializer.validated_data)
        merchant = selectors.merchant_get_for(
            actor=self.actor, merchant_id=values.pop("merchant").pk
        )
        serializer.instance = services.product_save(actor=self.actor, merchant=merchant, **values)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        values = dict(serializer.validated_data)
        values.pop("merchant", None)
        product = cast(Product, serializer.instance)  # an update always has its instance
        serializer.instance = services.product_save(
            actor=self.actor, merchant=product.merchant, product=product, **values
        )


# ---------------------------------------------------------------- redemptions
class RedemptionLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = RedemptionLine
        fields = ["product", "product_name", "quantity", "unit_price", "beans"]


class RedemptionSerializer(serializers.ModelSerializer):
    merchant_name = serializers.CharField(source="merchant.name")
    household_number = serializers.CharField(source="household.number")
    operator = serializers.CharField(source="operator.username")
    lines = RedemptionLineSerializer(many=True)

    class Meta:
        model = Redemption
        fields = [
            "id",
            "merchant",
            "merchant_name",
            "household",
            "household_number",
            "operator",
            "total_beans",
            "status",
            "lines",
            "created_at",
            "cancelled_at",
            "cancel_reason",
        ]
        read_only_fields = fields


class RedemptionLineInputSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1, max_value=999, default=1)


class RedemptionCreateSerializer(serializers.Serializer):
    merchant = serializers.IntegerField()
    card = serializers.CharField(required=False, help_text="户卡码或扫描到的二维码内容")
    household = serializers.IntegerField(required=False)
    # many_init is what ``many=True`` calls; the stubs do not let min/max_length through it.
    lines = RedemptionLineInputSerializer.many_init(min_length=1, max_length=50)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class RedemptionFilter(django_filters.FilterSet):
    merchant = django_filters.NumberFilter(field_name="merchant_id")
    household = django_filters.NumberFilter(field_name="household_id")
    status = django_filters.ChoiceFilter(choices=Redemption.Status.choices)
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")


@extend_schema(tags=["redemptions"])
@extend_schema_view(
    create=extend_schema(request=RedemptionCreateSerializer, parameters=[IDEMPOTENCY_HEADER])
)
class RedemptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Redemptions at the counter: the operator identifies the household by its card, picks
    items and confirms; beans and stock move in one transaction."""

    serializer_class = RedemptionSerializer
    filterset_class = RedemptionFilter
    scoped_model = Redemption

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[Redemption]:
        return selectors.redemption_list_for(actor=actor)

    def _household_for_counter(self, *, card: str | None, household_id: int | None) -> Any:
        """At the counter a household is identified by its card (code or scanned QR); a
        household id is accepted only from someone who can see that household."""
        if card:
            household = grid.household_get_by_card_code(
                card_code=documents.card_code_from_scan(card)
            )
            if household is None:
                raise NotFound("没有找到该户卡，请核对户卡码。", code="card_not_found")
            return household
        if household_id:
            return grid.household_get_for(actor=self.actor, household_id=household_id)
        raise serializers.ValidationError({"card": ["请扫描户卡或输入户卡码。"]})

    def create(self, request: Request) -> Response:
        data = RedemptionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merchant = selectors.merchant_get_for(
            actor=self.actor, merchant_id=data.validated_data["merchant"]
        )
        if not services.can_operate(self.actor, merchant):
            raise grid.forbidden("manage")
        household = self._household_for_counter(
            card=data.validated_data.get("card"), household_id=data.validated_data.get("household")
        )
        products = {
            p.pk: p
            for p in Product.objects.filter(
                pk__in=[ln["product"] for ln in data.validated_data["lines"]]
            )
        }
        missing = [
            ln["product"] for ln in data.validated_data["lines"] if ln["product"] not in products
        ]
        if missing:
            raise serializers.ValidationError({"lines": [f"没有商品 {missing}。"]})
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 64:
            raise ApplicationError(
                "Idempotency-Key 不能超过 64 个字符。", code="invalid_idempotency_key"
            )
        redemption, created = services.redemption_create(
            actor=self.actor,
            merchant=merchant,
            household=household,
            lines=[
                services.RedemptionLineInput(
                    product=products[ln["product"]], quantity=ln["quantity"]
                )
                for ln in data.validated_data["lines"]
            ],
            idempotency_key=key,
        )
        redemption = selectors.redemption_get_for(actor=self.actor, redemption_id=redemption.pk)
        return Response(
            RedemptionSerializer(redemption).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=CancelSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        redemption = selectors.redemption_get_for(actor=self.actor, redemption_id=int(pk))
        services.redemption_cancel(
            actor=self.actor, redemption=redemption, reason=data.validated_data["reason"]
        )
        return Response(
            RedemptionSerializer(
                selectors.redemption_get_for(actor=self.actor, redemption_id=int(pk))
            ).data
        )

    @extend_schema(
        parameters=[OpenApiParameter("card", str, required=True)],
        responses=inline_serializer(
            "CounterHousehold",
            {
                "household": serializers.IntegerField(),
                "number": serializers.CharField(),
                "head": serializers.CharField(),
                "balance": serializers.IntegerField(),
                "restrictions": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    @action(detail=False)
    def lookup(self, request: Request) -> Response:
        """The counter scans a card: who is it, and how many beans can they spend?"""
        if not (self.actor.is_township_admin or selectors.operated_merchant_ids(self.actor)):
            raise grid.forbidden("manage")
        household = self._household_for_counter(
            card=request.query_params.get("card"), household_id=None
        )
        account = BeanAccount.objects.filter(household=household).first()
        today = timezone.localdate()
        restrictions = services.restrictions_in_force(household_ids=[household.pk], on=today).get(
            household.pk, set()
        )
        return Response(
            {
                "household": household.pk,
                "number": household.number,
                "head": mask_name(documents.household_head_name(household)),
                "balance": account.balance if account else 0,
                "restrictions": sorted(restrictions),
            }
        )


class HouseholdCardView(ActorAPIView):
    """The household card: ``?as=pdf`` (printable, default) or ``?as=png`` (the QR code)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["households"],
        parameters=[OpenApiParameter("as", str, enum=["pdf", "png"])],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        household = grid.household_get_for(actor=self.actor, household_id=pk)
        township = request.township  # type: ignore[attr-defined]
        if request.query_params.get("as") == "png":
            return HttpResponse(
                documents.card_png(township=township, household=household), content_type="image/png"
            )
        return download(
            documents.card_pdf(township=township, household=household),
            filename=f"card-{household.number}.pdf",
            content_type="application/pdf",
        )


# ---------------------------------------------------------------- tiers and awards
class TierRatingSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    level_name = serializers.CharField(source="unit.level.name")

    class Meta:
        model = TierRating
        fields = [
            "quarter",
            "level_depth",
            "level_name",
            "unit",
            "unit_name",
            "beans",
            "rank",
            "units_ranked",
            "tier",
            "title",
            "award_beans",
            "rated_at",
        ]


class QuarterView(ActorAPIView):
    """A quarter's rating (一季一评比): GET the ratings in reach; POST to rate (township admin)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["awards"], responses=TierRatingSerializer(many=True))
    def get(self, request: Request, label: str) -> Response:
        year, quarter = services.parse_quarter(label)
        ratings = selectors.tier_list_for(actor=self.actor, quarter=f"{year}-Q{quarter}")
        return Response(TierRatingSerializer(ratings, many=True).data)

    @extend_schema(tags=["awards"], request=None, responses=TierRatingSerializer(many=True))
    def post(self, request: Request, label: str) -> Response:
        services.quarter_rate(actor=self.actor, label=label)
        return self.get(request, label)


class AwardSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number")
    village_name = serializers.CharField(source="village.name")

    class Meta:
        model = AnnualAward
        fields = [
            "year",
            "village",
            "village_name",
            "household",
            "household_number",
            "rank",
            "beans",
            "award_beans",
        ]


class DecideSerializer(serializers.Serializer):
    award_beans = serializers.IntegerField(min_value=0, default=0)


class AwardsView(ActorAPIView):
    """The year's commended households (一年一评优): GET; POST to decide (township admin)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["awards"], responses=AwardSerializer(many=True))
    def get(self, request: Request, year: int) -> Response:
        return Response(
            AwardSerializer(selectors.award_list_for(actor=self.actor, year=year), many=True).data
        )

    @extend_schema(tags=["awards"], request=DecideSerializer, responses=AwardSerializer(many=True))
    def post(self, request: Request, year: int) -> Response:
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.annual_awards_decide(
            actor=self.actor, year=year, award_beans=data.validated_data["award_beans"]
        )
        return self.get(request, year)


class CertificateView(ActorAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["awards"], responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, year: int, household_id: int) -> HttpResponse:
        """The honour certificate (荣誉证书) of a commended household, as a PDF."""
        award = selectors.award_get_for(actor=self.actor, year=year, household_id=household_id)
        household = award.household
        content = documents.award_certificate_pdf(township=request.township, award=award)  # type: ignore[attr-defined]
        return download(
            content,
            filename=f"certificate-{year}-{household.number}.pdf",
            content_type="application/pdf",
        )


class PartyReportView(ActorAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["awards"], responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request: Request, year: int) -> HttpResponse:
        """Party members' household beans by month (.xlsx), for the democratic evaluation."""
        rows = reports.party_member_report(actor=self.actor, year=year)
        content = documents.xlsx(
            title=f"{year}党员积分豆", headers=reports.PARTY_HEADERS, rows=rows
        )
        return download(content, filename=f"party-members-{year}.xlsx", content_type=XLSX)


class AssessmentView(ActorAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["awards"],
        parameters=[OpenApiParameter("export", str, enum=["xlsx"])],
        responses=inline_serializer(
            "Assessment",
            {
                "villages": serializers.ListField(child=serializers.DictField()),
                "units_below_village": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request, year: int) -> Response | HttpResponse:
        """Village and micro-grid figures for the year-end assessment of villages and cadres."""
        data = reports.assessment(actor=self.actor, year=year)
        if request.query_params.get("export") == "xlsx":
            return download(
                documents.xlsx(
                    title=f"{year}年终考核",
                    headers=reports.ASSESSMENT_HEADERS,
                    rows=reports.assessment_rows(data),
                ),
                filename=f"assessment-{year}.xlsx",
                content_type=XLSX,
            )
        return Response(data)


# ---------------------------------------------------------------- negative list
class NegativeEntrySerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    removed_by = serializers.CharField(source="removed_by.username", default=None, read_only=True)

    class Meta:
        model = NegativeListEntry
        fields = [
            "id",
            "household",
            "household_number",
            "kind",
            "reason",
            "starts_on",
            "ends_on",
            "created_by",
            "created_at",
            "rectification",
            "rectified_at",
            "removed_by",
            "removed_at",
        ]
        read_only_fields = [
            "id",
            "household_number",
            "created_by",
            "created_at",
            "rectification",
            "rectified_at",
        ]


class RectifySerializer(serializers.Serializer):
    rectification = serializers.CharField(max_length=500)


class NegativeFilter(django_filters.FilterSet):
    household = django_filters.NumberFilter(field_name="household_id")
    kind = django_filters.ChoiceFilter(choices=NegativeListEntry.Kind.choices)
    under = SubtreeFilter(path_field="household__unit__path")
    removed = django_filters.BooleanFilter(
        field_name="removed_at", lookup_expr="isnull", exclude=True
    )


@extend_schema(tags=["negative-list"])
class NegativeListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """负面惩戒清单: the village grid leader (own village) or the township admin keeps it."""

    serializer_class = NegativeEntrySerializer
    filterset_class = NegativeFilter
    scoped_model = NegativeListEntry

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[NegativeListEntry]:
        return selectors.negative_list_for(actor=actor)

    def create(self, request: Request) -> Response:
        data = NegativeEntrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        household = grid.household_get_for(
            actor=self.actor, household_id=values.pop("household").pk, action=AUDIT
        )
        entry = services.negative_entry_create(actor=self.actor, household=household, **values)
        return Response(NegativeEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RectifySerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request: Request, pk: str) -> Response:
        data = RectifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.negative_entry_rectify(
            actor=self.actor, entry=self.get_object(), **data.validated_data
        )
        return Response(NegativeEntrySerializer(entry).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, pk: str) -> Response:
        entry = services.negative_entry_remove(actor=self.actor, entry=self.get_object())
        return Response(NegativeEntrySerializer(entry).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("village", int),
            OpenApiParameter("on", OpenApiTypes.DATE),
            OpenApiParameter("export", str, enum=["xlsx"]),
        ],
        responses=inline_serializer(
            "Eligibility", {"household": serializers.IntegerField()}, many=True
        ),
    )
    @action(detail=False, pagination_class=None)
    def eligibility(self, request: Request) -> Response | HttpResponse:
        """Per village: who is restricted today, and from what."""
        on = (
            date.fromisoformat(request.query_params["on"])
            if request.query_params.get("on")
            else timezone.localdate()
        )
        village = None
        if request.query_params.get("village"):
            village = grid.unit_get_for(
                actor=self.actor, unit_id=int(request.query_params["village"])
            )
        rows = reports.eligibility(actor=self.actor, on=on, village=village)
        if request.query_params.get("export") == "xlsx":
            content = documents.xlsx(
                title=f"资格名单{on:%Y%m%d}",
                headers=reports.ELIGIBILITY_HEADERS,
                rows=reports.eligibility_rows(rows),
            )
            return download(content, filename=f"eligibility-{on}.xlsx", content_type=XLSX)
        return Response(rows)
