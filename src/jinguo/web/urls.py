from django.contrib.auth import views as auth_views
from django.urls import path

from jinguo.web.views import account, audit, exports, home, imports, people, units, users

urlpatterns = [
    path("", home.home, name="home"),
    path("areas/<slug:key>/", home.work_area, name="work_area"),
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
]
