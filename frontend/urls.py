"""Pages of a township's host."""

from django.urls import path

from frontend.views import (
    auth,
    awards,
    beans,
    board,
    counter,
    home,
    households,
    manage,
    merchants,
    months,
    negative,
    objections,
    products,
    records,
    review,
    roster,
    township,
)

app_name = "frontend"

MONTH = "months/<str:label>/"
HOUSEHOLD = "households/<int:household_id>/"
COUNTER = "counter/<int:merchant_id>/"
YEAR = "awards/years/<int:year>/"

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
    # 积分豆 and the household card
    path(f"{HOUSEHOLD}beans/", beans.household_beans_page, name="household_beans"),
    path(f"{HOUSEHOLD}card/", beans.household_card, name="household_card"),
    path(f"{HOUSEHOLD}card.pdf", beans.household_card_pdf, name="household_card_pdf"),
    path(f"{HOUSEHOLD}card.png", beans.household_card_png, name="household_card_png"),
    path(f"{HOUSEHOLD}card/reissue/", beans.household_card_reissue, name="household_card_reissue"),
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
    # 兑换柜台, settlement and products
    path("counter/", counter.counter_index, name="counter_index"),
    path(COUNTER, counter.counter, name="counter"),
    path(f"{COUNTER}redeem/", counter.counter_redeem, name="counter_redeem"),
    path(
        f"{COUNTER}redemptions/<int:redemption_id>/",
        counter.redemption_done,
        name="redemption",
    ),
    path(
        f"{COUNTER}redemptions/<int:redemption_id>/cancel/",
        counter.redemption_cancel,
        name="redemption_cancel",
    ),
    path(f"{COUNTER}settlement/", counter.settlement, name="settlement"),
    path(f"{COUNTER}products/", products.product_list, name="products"),
    path(f"{COUNTER}products/new/", products.product_new, name="product_new"),
    path(f"{COUNTER}products/<int:product_id>/", products.product_edit, name="product_edit"),
    # 乡镇管理
    path("manage/", manage.manage_index, name="manage"),
    path("manage/indicators/", manage.indicator_list, name="indicators"),
    path("manage/indicators/new/", manage.indicator_new, name="indicator_new"),
    path("manage/indicators/<int:indicator_id>/", manage.indicator_edit, name="indicator"),
    path("manage/indicators/categories/", manage.category_new, name="category_new"),
    path("manage/users/", manage.user_list, name="users"),
    path("manage/roles/", manage.role_list, name="roles"),
    path("manage/roles/<int:assignment_id>/revoke/", manage.role_revoke, name="role_revoke"),
    path("manage/audit/", manage.audit_log, name="audit"),
    # 乡镇设置 and the grid levels
    path("manage/settings/", township.township_settings, name="township_settings"),
    path("manage/settings/levels/<int:level_id>/", township.level_edit, name="level_edit"),
    # 兑换点 and their operators
    path("manage/merchants/", merchants.merchant_list, name="merchants"),
    path("manage/merchants/<int:merchant_id>/", merchants.merchant_detail, name="merchant"),
    path(
        "manage/merchants/<int:merchant_id>/operators/<int:user_id>/revoke/",
        merchants.operator_revoke,
        name="merchant_operator_revoke",
    ),
    # 花名册
    path("roster/", roster.roster_page, name="roster"),
    path("roster/template.xlsx", roster.roster_template, name="roster_template"),
    path("roster/export.xlsx", roster.roster_export, name="roster_export"),
    path("roster/<int:import_id>/", roster.roster_import, name="roster_import"),
    path("roster/<int:import_id>/progress/", roster.roster_progress, name="roster_progress"),
    # 评比
    path("awards/quarters/", awards.quarter_page, name="quarters"),
    path("awards/quarters/<str:label>/rate/", awards.quarter_rate, name="quarter_rate"),
    path("awards/years/", awards.years, name="years"),
    path(YEAR, awards.year_page, name="year"),
    path(f"{YEAR}decide/", awards.year_decide, name="year_decide"),
    path(f"{YEAR}certificates/<int:household_id>.pdf", awards.certificate, name="certificate"),
    path(f"{YEAR}party-members.xlsx", awards.party_report, name="party_report"),
    path(f"{YEAR}assessment.xlsx", awards.assessment, name="assessment"),
    # 负面清单
    path("negative/", negative.negative_list, name="negative"),
    path("negative/eligibility/", negative.eligibility, name="eligibility"),
    path("negative/<int:entry_id>/rectify/", negative.negative_rectify, name="negative_rectify"),
    path("negative/<int:entry_id>/remove/", negative.negative_remove, name="negative_remove"),
]
