from django.contrib.auth import views as auth_views
from django.urls import path

from jinguo.web.views import account, audit, home, units, users

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
]
