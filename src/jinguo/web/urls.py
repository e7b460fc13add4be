from django.contrib.auth import views as auth_views
from django.urls import include, path

from jinguo.web.views import (
    account,
    activities,
    audit,
    dashboard,
    exports,
    home,
    imports,
    people,
    programmes,
    summary,
    tables,
    units,
    users,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("areas/<slug:key>/", home.work_area, name="work_area"),
    # The dashboard (统计看板), its targets, and the drill-down behind every figure.
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/targets/", dashboard.dashboard_targets, name="dashboard_targets"),
    path("figures/<str:key>/", dashboard.figure, name="figure"),
    path("figures/<str:key>/export/", dashboard.figure_export, name="figure_export"),
    # Statistical tables (统计报表): on screen and as .xlsx in the government layout.
    path("reports/tables/", tables.table_index, name="tables"),
    path("reports/tables/<slug:key>/", tables.table_detail, name="table"),
    path("reports/tables/<slug:key>/xlsx", tables.table_xlsx_download, name="table_xlsx"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account.password_change, name="password_change"),
    path("accounts/tokens/", account.token_index, name="token_index"),
    path("accounts/tokens/<int:token_id>/revoke/", account.token_revoke, name="token_revoke"),
    path("units/", units.unit_index, name="unit_index"),
    path("units/<int:unit_id>/", units.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/children/", units.unit_children, name="unit_children"),
    path("units/<int:unit_id>/add/", units.unit_create, name="unit_create"),
    path("units/<int:unit_id>/rename/", units.unit_rename, name="unit_rename"),
    path("units/<int:unit_id>/move/", units.unit_move, name="unit_move"),
    path("units/<int:unit_id>/merge/", units.unit_merge, name="unit_merge"),
    path("units/<int:unit_id>/close/", units.unit_close, name="unit_close"),
    path("users/", users.user_index, name="user_index"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/<int:user_id>/", users.user_detail, name="user_detail"),
    path(
        "users/<int:user_id>/grants/<int:grant_id>/revoke/", users.grant_revoke, name="grant_revoke"
    ),
    path("audit/", audit.audit_index, name="audit_index"),
    path("audit/verify/", audit.audit_verify_start, name="audit_verify"),
    path("progress/<uuid:progress_id>/", audit.progress_detail, name="progress_detail"),
    # The people registry (人员): people, their households, categories and consents.
    path("people/", people.person_index, name="person_index"),
    path("people/new/", people.person_register, name="person_register"),
    path("people/<int:person_id>/", people.person_detail, name="person_detail"),
    path("people/<int:person_id>/edit/", people.person_edit, name="person_edit"),
    path(
        "people/<int:person_id>/id-number/",
        people.person_replace_id_number,
        name="person_replace_id_number",
    ),
    path("people/<int:person_id>/phone/", people.person_replace_phone, name="person_replace_phone"),
    path("people/<int:person_id>/reveal/", people.person_reveal, name="person_reveal"),
    path("people/<int:person_id>/categories/add/", people.category_add, name="category_add"),
    path(
        "people/<int:person_id>/categories/<int:period_id>/end/",
        people.category_end,
        name="category_end",
    ),
    path("people/<int:person_id>/consents/add/", people.consent_add, name="consent_add"),
    path(
        "people/<int:person_id>/consents/<int:consent_id>/withdraw/",
        people.consent_withdraw,
        name="consent_withdraw",
    ),
    path("people/<int:person_id>/household/new/", people.household_create, name="household_create"),
    path("households/<int:household_id>/", people.household_detail, name="household_detail"),
    path(
        "households/<int:household_id>/members/add/",
        people.household_add_member,
        name="household_add_member",
    ),
    path(
        "households/<int:household_id>/members/<int:membership_id>/end/",
        people.membership_end,
        name="membership_end",
    ),
    path("people/duplicates/", people.duplicate_index, name="duplicate_index"),
    path("people/duplicates/scan/", people.duplicate_scan, name="duplicate_scan"),
    path(
        "people/duplicates/scan/<uuid:progress_id>/",
        people.duplicate_scan_progress,
        name="duplicate_scan_progress",
    ),
    path("people/duplicates/<int:pair_id>/merge/", people.duplicate_merge, name="duplicate_merge"),
    path(
        "people/duplicates/<int:pair_id>/distinct/",
        people.duplicate_distinct,
        name="duplicate_distinct",
    ),
    path(
        "people/duplicates/<int:pair_id>/reopen/",
        people.duplicate_reopen,
        name="duplicate_reopen",
    ),
    path("people/merges/<int:merge_id>/undo/", people.merge_undo, name="merge_undo"),
    # Exports (导出) of the people list, and imports (导入) of spreadsheets.
    path("people/export/", exports.person_export, name="person_export"),
    path("exports/<uuid:progress_id>/", exports.export_progress, name="export_progress"),
    path("exports/<uuid:progress_id>/download/", exports.export_download, name="export_download"),
    path("imports/", imports.import_index, name="import_index"),
    path("imports/template/<slug:kind>/", imports.import_template, name="import_template"),
    path("imports/<uuid:batch_id>/", imports.import_batch, name="import_batch"),
    path("imports/<uuid:batch_id>/commit/", imports.import_commit, name="import_commit"),
    path("imports/<uuid:batch_id>/undo/", imports.import_undo, name="import_undo"),
    path("imports/<uuid:batch_id>/errors/", imports.import_errors, name="import_errors"),
    # Programmes (项目): set-up, applications and decisions, delivery, funds, loans, projects.
    path("programmes/", programmes.programme_index, name="programme_index"),
    path("programmes/new/", programmes.programme_create, name="programme_create"),
    path("programmes/queue/", programmes.enrolment_queue, name="enrolment_queue"),
    path("programmes/<int:programme_id>/", programmes.programme_detail, name="programme_detail"),
    path("programmes/<int:programme_id>/edit/", programmes.programme_edit, name="programme_edit"),
    path(
        "programmes/<int:programme_id>/rules/", programmes.programme_rules, name="programme_rules"
    ),
    path("programmes/<int:programme_id>/rules/add/", programmes.rule_add, name="rule_add"),
    path(
        "programmes/<int:programme_id>/rules/<int:rule_id>/remove/",
        programmes.rule_remove,
        name="rule_remove",
    ),
    path(
        "programmes/<int:programme_id>/rounds/",
        programmes.programme_cycles,
        name="programme_cycles",
    ),
    path("programmes/<int:programme_id>/rounds/add/", programmes.cycle_add, name="cycle_add"),
    path(
        "programmes/<int:programme_id>/rounds/<int:cycle_id>/status/",
        programmes.cycle_status,
        name="cycle_status",
    ),
    path(
        "programmes/<int:programme_id>/apply/", programmes.enrolment_apply, name="enrolment_apply"
    ),
    path(
        "programmes/<int:programme_id>/deliver/", programmes.benefit_deliver, name="benefit_deliver"
    ),
    path(
        "programmes/<int:programme_id>/deliver/list/",
        programmes.benefit_deliver_list,
        name="benefit_deliver_list",
    ),
    path(
        "programmes/<int:programme_id>/projects/new/",
        programmes.project_create,
        name="project_create",
    ),
    path("people/<int:person_id>/apply/", programmes.person_apply, name="person_apply"),
    path("enrolments/<int:enrolment_id>/", programmes.enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:enrolment_id>/step/", programmes.enrolment_step, name="enrolment_step"),
    path(
        "enrolments/<int:enrolment_id>/compliance/",
        programmes.enrolment_compliance,
        name="enrolment_compliance",
    ),
    path("enrolments/<int:enrolment_id>/loan/", programmes.loan_record, name="loan_record"),
    path("enrolments/<int:enrolment_id>/loan/repay/", programmes.loan_repay, name="loan_repay"),
    path(
        "enrolments/<int:enrolment_id>/loan/subsidy/", programmes.loan_subsidy, name="loan_subsidy"
    ),
    path("benefits/<int:benefit_id>/", programmes.benefit_detail, name="benefit_detail"),
    path(
        "benefits/<int:benefit_id>/evidence/",
        programmes.benefit_evidence,
        name="benefit_evidence",
    ),
    path("funds/", programmes.fund_index, name="fund_index"),
    path("funds/new/", programmes.fund_create, name="fund_create"),
    path("funds/<int:fund_id>/", programmes.fund_detail, name="fund_detail"),
    path("funds/<int:fund_id>/receive/", programmes.fund_receive, name="fund_receive"),
    path("funds/<int:fund_id>/spend/", programmes.fund_spend, name="fund_spend"),
    path("projects/<int:project_id>/", programmes.project_detail, name="project_detail"),
    path("projects/<int:project_id>/status/", programmes.project_status, name="project_status"),
    path(
        "projects/<int:project_id>/milestones/add/",
        programmes.milestone_add,
        name="milestone_add",
    ),
    path(
        "projects/<int:project_id>/milestones/<int:milestone_id>/reach/",
        programmes.milestone_reach,
        name="milestone_reach",
    ),
    path(
        "projects/<int:project_id>/photos/add/",
        programmes.project_photo_add,
        name="project_photo_add",
    ),
    path(
        "projects/<int:project_id>/photos/<int:photo_id>/",
        programmes.project_photo,
        name="project_photo",
    ),
    # Activities (活动), their attendance and QR check-in (签到); the check-in page is public.
    path("activities/", activities.activity_index, name="activity_index"),
    path("activities/calendar/", activities.activity_calendar, name="activity_calendar"),
    path("activities/new/", activities.activity_create, name="activity_create"),
    path("activities/<int:activity_id>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:activity_id>/edit/", activities.activity_edit, name="activity_edit"),
    path("activities/<int:activity_id>/live/", activities.activity_live, name="activity_live"),
    path("activities/<int:activity_id>/counts/", activities.counts_set, name="counts_set"),
    path(
        "activities/<int:activity_id>/attendance/add/",
        activities.attendance_add,
        name="attendance_add",
    ),
    path(
        "activities/<int:activity_id>/attendance/<int:attendance_id>/remove/",
        activities.attendance_remove,
        name="attendance_remove",
    ),
    path("activities/<int:activity_id>/codes/new/", activities.code_issue, name="code_issue"),
    path(
        "activities/<int:activity_id>/pending/<int:pending_id>/confirm/",
        activities.pending_confirm,
        name="pending_confirm",
    ),
    path(
        "activities/<int:activity_id>/pending/<int:pending_id>/reject/",
        activities.pending_reject,
        name="pending_reject",
    ),
    path(
        "activities/<int:activity_id>/files/add/",
        activities.activity_file_add,
        name="activity_file_add",
    ),
    path(
        "activities/<int:activity_id>/files/<int:file_id>/",
        activities.activity_file,
        name="activity_file",
    ),
    path("checkin/<str:token>/", activities.checkin, name="checkin"),
    # Volunteers (志愿者): teams, members, hours and the national system's export.
    path("volunteers/", activities.team_index, name="team_index"),
    path("volunteers/export/", activities.volunteer_export, name="volunteer_export"),
    path("volunteers/teams/<int:team_id>/", activities.team_detail, name="team_detail"),
    path(
        "volunteers/teams/<int:team_id>/members/add/",
        activities.volunteer_add,
        name="volunteer_add",
    ),
    path(
        "volunteers/teams/<int:team_id>/services/add/",
        activities.service_add,
        name="service_add",
    ),
    path(
        "volunteers/members/<int:volunteer_id>/end/",
        activities.volunteer_end,
        name="volunteer_end",
    ),
    # Pairings (结对) and their contacts.
    path("pairings/", activities.pairing_index, name="pairing_index"),
    path("pairings/new/", activities.pairing_create, name="pairing_create"),
    path("pairings/<int:pairing_id>/", activities.pairing_detail, name="pairing_detail"),
    path("pairings/<int:pairing_id>/contacts/add/", activities.contact_add, name="contact_add"),
    path("pairings/<int:pairing_id>/end/", activities.pairing_end, name="pairing_end"),
    # Village assistance (包联村) and visits (下基层访妇情) with the needs found there.
    path("villages/", activities.village_board, name="village_board"),
    path("villages/visits/new/", activities.visit_create, name="visit_create"),
    path("villages/needs/<int:need_id>/", activities.need_detail, name="need_detail"),
    # The annual work summary (工作总结): generate, download, snapshots, paragraphs.
    path("reports/summary/", summary.summary_index, name="summary"),
    path("reports/summary/<int:unit_id>/<str:period>/", summary.summary_view, name="summary_view"),
    path(
        "reports/summary/<int:unit_id>/<str:period>/download/",
        summary.summary_download,
        name="summary_download",
    ),
    path(
        "reports/summary/<int:unit_id>/<str:period>/snapshot/",
        summary.snapshot_create,
        name="snapshot_create",
    ),
    path("reports/snapshots/<int:snapshot_id>/", summary.snapshot_detail, name="snapshot_detail"),
    path(
        "reports/snapshots/<int:snapshot_id>/docx/",
        summary.snapshot_download,
        name="snapshot_download",
    ),
    path(
        "reports/snapshots/<int:snapshot_id>/changes/",
        summary.snapshot_changes,
        name="snapshot_changes",
    ),
    path("reports/paragraphs/<int:unit_id>/", summary.paragraph_index, name="paragraph_index"),
    path(
        "reports/paragraphs/<int:unit_id>/new/", summary.paragraph_create, name="paragraph_create"
    ),
    path(
        "reports/paragraphs/<int:unit_id>/<slug:key>/",
        summary.paragraph_edit,
        name="paragraph_edit",
    ),
    path(
        "reports/paragraphs/<int:unit_id>/<slug:key>/reset/",
        summary.paragraph_reset,
        name="paragraph_reset",
    ),
    # Donations (捐赠) and the public transparency page (公示): web/urls_donations.py.
    path("", include("jinguo.web.urls_donations")),
]
