"""Pages of a township's host."""

from django.urls import path

from frontend.views import (
    auth,
    board,
    home,
    households,
    months,
    objections,
    records,
    review,
)

app_name = "frontend"

MONTH = "months/<str:label>/"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("board/", board.board, name="board"),
    # 录入积分 and 我提交的记录
    path("records/new/", records.record_new, name="record_new"),
    path("records/mine/", records.records_mine, name="records_mine"),
    path("records/<int:record_id>/withdraw/", records.record_withdraw, name="record_withdraw"),
    # 待审核
    path("review/", review.review_queue_page, name="review"),
    path("review/bulk/", review.review_bulk, name="review_bulk"),
    path("records/<int:record_id>/approve/", review.record_approve, name="record_approve"),
    path("records/<int:record_id>/reject/", review.record_reject, name="record_reject"),
    # 农户
    path("households/", households.household_list, name="households"),
    path("households/<int:household_id>/", households.household_detail, name="household"),
    # 月度 and the results, drilled down
    path("months/", months.month_list, name="months"),
    path(MONTH, months.month_detail, name="month"),
    path(f"{MONTH}close/", months.month_close, name="month_close"),
    path(f"{MONTH}publish/", months.month_publish, name="month_publish"),
    path(f"{MONTH}finalize/", months.month_finalize, name="month_finalize"),
    path(f"{MONTH}confirm/", months.month_confirm, name="month_confirm"),
    path(f"{MONTH}units/<int:unit_id>/", months.month_unit, name="month_unit"),
    path(f"{MONTH}households/<int:household_id>/", months.month_household, name="month_household"),
    path(f"{MONTH}leaders/<int:assignment_id>/", months.month_leader, name="month_leader"),
    # 异议
    path("objections/", objections.objection_list, name="objections"),
    path(
        f"{MONTH}households/<int:household_id>/objections/",
        objections.objection_raise,
        name="objection_raise",
    ),
    path(
        "objections/<int:objection_id>/decide/",
        objections.objection_decide,
        name="objection_decide",
    ),
]
