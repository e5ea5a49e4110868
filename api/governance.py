"""Grid levels and units, households and residents, role assignments, users, the audit log."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ScopedViewSet
from api.filters import SubtreeFilter
from governance import selectors, services
from governance.actors import ENTER, MANAGE, Actor
from governance.models import AuditEntry, GridLevel, GridUnit, Household, Resident, RoleAssignment
from governance.personal_data import reveal
from tenants.accounts.models import User


# ---------------------------------------------------------------- serializers
class GridLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = GridLevel
        fields = ["id", "depth", "name", "leader_title", "capabilities", "is_village"]
        read_only_fields = ["id", "depth", "is_village"]


class GridUnitSerializer(serializers.ModelSerializer):
    level = serializers.IntegerField(source="level.depth", read_only=True)
    level_name = serializers.CharField(source="level.name", read_only=True)

    class Meta:
        model = GridUnit
        fields = ["id", "name", "parent", "level", "level_name", "path", "is_active"]
        read_only_fields = ["id", "level", "level_name", "path"]


class GridUnitWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    # DRF moves declared fields off the class, so this does not replace Field.parent;
    # the stubs see an override of that attribute.
    parent = serializers.IntegerField(required=False, allow_null=True)  # type: ignore[assignment]
    is_active = serializers.BooleanField(required=False)


class ResidentSerializer(serializers.ModelSerializer):
    """Personal numbers are masked unless the actor may see them (selectors.can_see_personal_data)."""

    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Resident
        fields = [
            "id",
            "household",
            "name",
            "gender",
            "birth_date",
            "id_number",
            "phone",
            "is_household_head",
            "is_party_member",
            "is_villager_representative",
            "is_floating_party_member",
        ]

    def _clear(self, resident: Resident) -> bool:
        actor: Actor = self.context["actor"]
        return selectors.can_see_personal_data(actor=actor, unit_path=resident.household.unit.path)

    def get_id_number(self, resident: Resident) -> str:
        return (
            reveal(resident.id_number_encrypted)
            if self._clear(resident)
            else resident.id_number_masked
        )

    def get_phone(self, resident: Resident) -> str:
        return reveal(resident.phone_encrypted) if self._clear(resident) else resident.phone_masked


class ResidentWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=32)
    gender = serializers.ChoiceField(
        choices=Resident.Gender.choices, required=False, allow_blank=True
    )
    birth_date = serializers.DateField(required=False, allow_null=True)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=11, required=False, allow_blank=True)
    is_household_head = serializers.BooleanField(required=False)
    is_party_member = serializers.BooleanField(required=False)
    is_villager_representative = serializers.BooleanField(required=False)
    is_floating_party_member = serializers.BooleanField(required=False)


class HouseholdSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    residents = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "number",
            "address",
            "unit",
            "unit_name",
            "card_code",
            "is_active",
            "residents",
        ]
        read_only_fields = fields

    @extend_schema_field(ResidentSerializer(many=True))
    def get_residents(self, household: Household) -> list[dict[str, Any]]:
        # household.residents is prefetched (active residents, head first) by the selector.
        for resident in household.residents.all():
            resident.household = household  # avoid a query per resident for its unit path
        residents = ResidentSerializer(household.residents.all(), many=True, context=self.context)
        return cast("list[dict[str, Any]]", residents.data)  # many=True: a list


class HouseholdWriteSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=32)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    unit = serializers.IntegerField()


class HouseholdUpdateSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=32, required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)


class MoveSerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False)
    household = serializers.IntegerField(required=False)
    moved_on = serializers.DateField(required=False)


class RoleAssignmentSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    level_name = serializers.CharField(source="unit.level.name", read_only=True)
    title = serializers.SerializerMethodField()

    class Meta:
        model = RoleAssignment
        fields = [
            "id",
            "kind",
            "title",
            "unit",
            "unit_name",
            "level_name",
            "user",
            "username",
            "display_name",
            "own_household",
            "started_at",
            "ended_at",
        ]
        read_only_fields = fields

    def get_title(self, assignment: RoleAssignment) -> str:
        return assignment.unit.level.leader_title if assignment.kind == "leader" else "信息管理员"


class RoleAssignmentWriteSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    user = serializers.CharField(help_text="username")
    kind = serializers.ChoiceField(choices=RoleAssignment.Kind.choices)


class UserSerializer(serializers.ModelSerializer):
    resident = serializers.IntegerField(source="resident.pk", read_only=True, default=None)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "township_role", "is_active", "resident"]
        read_only_fields = fields


class UserWriteSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    display_name = serializers.CharField(max_length=64)
    password = serializers.CharField(required=False, min_length=10, write_only=True)
    township_role = serializers.ChoiceField(
        choices=User.TownshipRole.choices, required=False, allow_blank=True
    )
    resident = serializers.IntegerField(required=False, allow_null=True)


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
        ]
        read_only_fields = fields


# ---------------------------------------------------------------- filters
class GridUnitFilter(django_filters.FilterSet):
    level = django_filters.NumberFilter(field_name="level__depth", label="层级序号")
    parent = django_filters.NumberFilter(field_name="parent_id")
    under = SubtreeFilter(path_field="path")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    is_active = django_filters.BooleanFilter()


class HouseholdFilter(django_filters.FilterSet):
    under = SubtreeFilter(path_field="unit__path")
    unit = django_filters.NumberFilter(field_name="unit_id")
    number = django_filters.CharFilter(field_name="number", lookup_expr="icontains")
    resident_name = django_filters.CharFilter(
        field_name="residents__name", lookup_expr="contains", distinct=True
    )
    is_active = django_filters.BooleanFilter()


class ResidentFilter(django_filters.FilterSet):
    under = SubtreeFilter(path_field="household__unit__path")
    household = django_filters.NumberFilter(field_name="household_id")
    name = django_filters.CharFilter(field_name="name", lookup_expr="contains")
    is_party_member = django_filters.BooleanFilter()


class AssignmentFilter(django_filters.FilterSet):
    under = SubtreeFilter(path_field="unit__path")
    kind = django_filters.ChoiceFilter(choices=RoleAssignment.Kind.choices)
    current = django_filters.BooleanFilter(field_name="ended_at", lookup_expr="isnull")


class AuditFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(field_name="action", lookup_expr="startswith")
    actor = django_filters.CharFilter(field_name="actor_name")
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter()
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")


# ---------------------------------------------------------------- views
class ContextMixin:
    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()  # type: ignore[misc]
        context["actor"] = self.actor  # type: ignore[attr-defined]
        return context


@extend_schema(tags=["grid"])
class GridLevelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, ScopedViewSet
):
    """The township's grid levels (configuration). The township admin renames a level or
    changes what its leaders may do; current leaders' permissions follow."""

    serializer_class = GridLevelSerializer
    scoped_model = GridLevel
    pagination_class = None
    http_method_names = ["get", "patch", "head", "options"]

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[GridLevel]:
        return selectors.level_list()

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.level_update(
            actor=self.actor,
            level=cast(GridLevel, serializer.instance),  # an update always has its instance
            name=data.get("name"),
            leader_title=data.get("leader_title"),
            capabilities=data.get("capabilities"),
        )


@extend_schema(tags=["grid"])
@extend_schema_view(
    create=extend_schema(request=GridUnitWriteSerializer),
    partial_update=extend_schema(request=GridUnitWriteSerializer),
)
class GridUnitViewSet(
    ContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    """Grid units the actor reaches, flat (filter by ``level``, ``parent``, ``under``) or as a tree."""

    serializer_class = GridUnitSerializer
    filterset_class = GridUnitFilter
    scoped_model = GridUnit

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[GridUnit]:
        return selectors.unit_list_for(actor=actor)

    def create(self, request: Request) -> Response:
        data = GridUnitWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent_id = data.validated_data.get("parent")
        parent = selectors.unit_get_for(actor=self.actor, unit_id=parent_id) if parent_id else None
        unit = services.unit_create(
            actor=self.actor, name=data.validated_data["name"], parent=parent
        )
        return Response(GridUnitSerializer(unit).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        unit = selectors.unit_get_for(actor=self.actor, unit_id=int(pk), action=MANAGE)
        data = GridUnitWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        unit = services.unit_update(
            actor=self.actor,
            unit=unit,
            name=data.validated_data.get("name"),
            is_active=data.validated_data.get("is_active"),
        )
        return Response(GridUnitSerializer(unit).data)

    @extend_schema(
        responses=inline_serializer(
            "GridTreeNode", {"id": serializers.IntegerField(), "children": serializers.ListField()}
        )
    )
    @action(detail=False, pagination_class=None)
    def tree(self, request: Request) -> Response:
        """The reachable units as nested trees (one query; built in memory)."""
        units = list(self.filter_queryset(self.get_queryset()))
        nodes = {u.pk: {**GridUnitSerializer(u).data, "children": []} for u in units}
        roots: list[dict[str, Any]] = []
        for unit in units:
            parent = nodes.get(unit.parent_id) if unit.parent_id else None
            (parent["children"] if parent else roots).append(nodes[unit.pk])
        return Response(roots)


@extend_schema(tags=["households"])
@extend_schema_view(
    create=extend_schema(request=HouseholdWriteSerializer),
    partial_update=extend_schema(request=HouseholdUpdateSerializer),
)
class HouseholdViewSet(
    ContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    """Households the actor reaches, with their residents (ID numbers and phones masked
    except for the township admin and the village's info administrator)."""

    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    scoped_model = Household

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[Household]:
        return selectors.household_list_for(actor=actor)

    def create(self, request: Request) -> Response:
        data = HouseholdWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = selectors.unit_get_for(
            actor=self.actor, unit_id=data.validated_data["unit"], action=ENTER
        )
        household = services.household_create(
            actor=self.actor,
            unit=unit,
            number=data.validated_data["number"],
            address=data.validated_data.get("address", ""),
        )
        household = selectors.household_get_for(actor=self.actor, household_id=household.pk)
        return Response(self.get_serializer(household).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        household = selectors.household_get_for(
            actor=self.actor, household_id=int(pk), action=ENTER
        )
        data = HouseholdUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.household_update(actor=self.actor, household=household, **data.validated_data)
        return Response(
            self.get_serializer(
                selectors.household_get_for(actor=self.actor, household_id=household.pk)
            ).data
        )

    @extend_schema(request=MoveSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        household = selectors.household_get_for(
            actor=self.actor, household_id=int(pk), action=ENTER
        )
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "unit" not in data.validated_data:
            raise serializers.ValidationError({"unit": ["请选择要迁入的联户小组。"]})
        unit = selectors.unit_get_for(
            actor=self.actor, unit_id=data.validated_data["unit"], action=ENTER
        )
        services.household_move(
            actor=self.actor,
            household=household,
            unit=unit,
            moved_on=data.validated_data.get("moved_on"),
        )
        return Response(
            self.get_serializer(
                selectors.household_get_for(actor=self.actor, household_id=household.pk)
            ).data
        )

    @extend_schema(request=ResidentWriteSerializer, responses={201: ResidentSerializer})
    @action(detail=True, methods=["post"])
    def residents(self, request: Request, pk: str) -> Response:
        """Register a resident in this household."""
        household = selectors.household_get_for(
            actor=self.actor, household_id=int(pk), action=ENTER
        )
        data = ResidentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resident = services.resident_create(
            actor=self.actor, household=household, **data.validated_data
        )
        return Response(
            ResidentSerializer(resident, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["households"])
@extend_schema_view(partial_update=extend_schema(request=ResidentWriteSerializer))
class ResidentViewSet(
    ContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    serializer_class = ResidentSerializer
    filterset_class = ResidentFilter
    scoped_model = Resident

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[Resident]:
        return selectors.resident_list_for(actor=actor).order_by(
            "household__number", "-is_household_head", "id"
        )

    def partial_update(self, request: Request, pk: str) -> Response:
        resident = selectors.resident_get_for(actor=self.actor, resident_id=int(pk), action=ENTER)
        data = ResidentWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        resident = services.resident_update(
            actor=self.actor, resident=resident, **data.validated_data
        )
        return Response(self.get_serializer(resident).data)

    @extend_schema(request=MoveSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        resident = selectors.resident_get_for(actor=self.actor, resident_id=int(pk), action=ENTER)
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "household" not in data.validated_data:
            raise serializers.ValidationError({"household": ["请选择要迁入的农户。"]})
        target = selectors.household_get_for(
            actor=self.actor, household_id=data.validated_data["household"], action=ENTER
        )
        resident = services.resident_move(
            actor=self.actor,
            resident=resident,
            household=target,
            moved_on=data.validated_data.get("moved_on"),
        )
        return Response(self.get_serializer(resident).data)


@extend_schema(tags=["grid"])
@extend_schema_view(create=extend_schema(request=RoleAssignmentWriteSerializer))
class RoleAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Leaders and info administrators. The township admin assigns and revokes."""

    serializer_class = RoleAssignmentSerializer
    filterset_class = AssignmentFilter
    scoped_model = RoleAssignment

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[RoleAssignment]:
        return selectors.assignment_list_for(actor=actor)

    def create(self, request: Request) -> Response:
        data = RoleAssignmentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = selectors.unit_get_for(
            actor=self.actor, unit_id=data.validated_data["unit"], action=MANAGE
        )
        user = (
            selectors.user_list_for(actor=self.actor)
            .filter(username=data.validated_data["user"])
            .first()
        )
        if user is None:
            raise serializers.ValidationError({"user": ["没有该用户名的账号。"]})
        assignment = services.role_assign(
            actor=self.actor, unit=unit, user=user, kind=data.validated_data["kind"]
        )
        return Response(RoleAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        assignment = selectors.assignment_get_for(actor=self.actor, assignment_id=int(pk))
        assignment = services.role_revoke(actor=self.actor, assignment=assignment)
        return Response(RoleAssignmentSerializer(assignment).data)


@extend_schema(tags=["users"])
@extend_schema_view(create=extend_schema(request=UserWriteSerializer))
class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Township accounts (township admin only)."""

    serializer_class = UserSerializer
    scoped_model = User

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[User]:
        return selectors.user_list_for(actor=actor)

    def create(self, request: Request) -> Response:
        data = UserWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resident = None
        if data.validated_data.get("resident"):
            resident = selectors.resident_get_for(
                actor=self.actor, resident_id=data.validated_data["resident"]
            )
        user, password = services.user_create(
            actor=self.actor,
            username=data.validated_data["username"],
            display_name=data.validated_data["display_name"],
            password=data.validated_data.get("password"),
            resident=resident,
            township_role=data.validated_data.get("township_role", ""),
        )
        body = dict(UserSerializer(user).data)
        if not data.validated_data.get("password"):
            body["initial_password"] = password  # shown once
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["audit"])
class AuditEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Every administrative change: who, when, what, before and after (township admin)."""

    serializer_class = AuditEntrySerializer
    filterset_class = AuditFilter
    scoped_model = AuditEntry

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[AuditEntry]:
        return selectors.audit_list_for(actor=actor)
