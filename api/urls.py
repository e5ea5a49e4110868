"""``/api/v1/`` on a township's host."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from api import core, governance, rewards, roster, scoring

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.register("grid/levels", governance.GridLevelViewSet, basename="grid-level")
router.register("grid/units", governance.GridUnitViewSet, basename="grid-unit")
router.register("grid/assignments", governance.RoleAssignmentViewSet, basename="role-assignment")
router.register("households", governance.HouseholdViewSet, basename="household")
router.register("residents", governance.ResidentViewSet, basename="resident")
router.register("users", governance.UserViewSet, basename="user")
router.register("audit-log", governance.AuditEntryViewSet, basename="audit-entry")
router.register("categories", scoring.CategoryViewSet, basename="category")
router.register("indicators", scoring.IndicatorViewSet, basename="indicator")
router.register("records", scoring.PointRecordViewSet, basename="record")
router.register("months", scoring.MonthViewSet, basename="month")
router.register("objections", scoring.ObjectionViewSet, basename="objection")
router.register("roster/imports", roster.RosterImportViewSet, basename="roster-import")
router.register("ledger", rewards.LedgerViewSet, basename="ledger")
router.register("merchants", rewards.MerchantViewSet, basename="merchant")
router.register("products", rewards.ProductViewSet, basename="product")
router.register("redemptions", rewards.RedemptionViewSet, basename="redemption")
router.register("negative-list", rewards.NegativeListViewSet, basename="negative-list")

urlpatterns = [
    path("auth/token/", core.TokenView.as_view(), name="auth-token"),
    path("me/", core.MeView.as_view(), name="me"),
    path("township/", core.TownshipView.as_view(), name="township"),
    path("roster/template/", roster.RosterTemplateView.as_view(), name="roster-template"),
    path("roster/export/", roster.RosterExportView.as_view(), name="roster-export"),
    path("households/<int:pk>/card/", rewards.HouseholdCardView.as_view(), name="household-card"),
    path("quarters/<str:label>/", rewards.QuarterView.as_view(), name="quarter"),
    path("awards/<int:year>/", rewards.AwardsView.as_view(), name="awards"),
    path(
        "awards/<int:year>/certificates/<int:household_id>/",
        rewards.CertificateView.as_view(),
        name="certificate",
    ),
    path(
        "awards/<int:year>/party-members/", rewards.PartyReportView.as_view(), name="party-report"
    ),
    path("awards/<int:year>/assessment/", rewards.AssessmentView.as_view(), name="assessment"),
    *router.urls,
]
