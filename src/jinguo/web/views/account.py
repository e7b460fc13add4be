"""Signing in and out, choosing one's own password, and personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jinguo.accounts import selectors, services
from jinguo.accounts.models import User
from jinguo.core.errors import ApplicationError
from jinguo.web.forms import TokenCreateForm


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - behind login_required
    return user


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_own_password(user=user, password=form.cleaned_data["new_password1"])
        except ApplicationError as error:
            form.add_error("new_password1", str(error))
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = ""
            return redirect(target or "home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": user.must_change_password},
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_index(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = TokenCreateForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_create(
                user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            form = TokenCreateForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": selectors.api_token_list(user), "new_key": new_key},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _me(request)
    token = selectors.api_token_list(user).filter(pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    services.api_token_revoke(user=user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("token_index")
