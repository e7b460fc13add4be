from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jinguo.accounts import selectors, services
from jinguo.accounts.roles import Perm
from jinguo.core.errors import ApplicationError
from jinguo.orgunits import access
from jinguo.orgunits.selectors import unit_by_code
from jinguo.web.forms import GrantForm, PasswordResetForm, UserCreateForm


def _require_user_manager(request: HttpRequest) -> None:
    if not access.scope_paths(request.user, Perm.MANAGE_USERS) and not access.scope_paths(
        request.user, Perm.VIEW_AUDIT
    ):
        raise Http404


@login_required
def user_index(request: HttpRequest) -> HttpResponse:
    _require_user_manager(request)
    search = request.GET.get("q", "").strip()
    page = Paginator(selectors.user_list(request.user, search=search), 50).get_page(
        request.GET.get("page")
    )
    can_create = bool(access.scope_paths(request.user, Perm.MANAGE_USERS))
    return render(
        request, "web/users/index.html", {"page": page, "search": search, "can_create": can_create}
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    if not access.scope_paths(request.user, Perm.MANAGE_USERS):
        raise Http404
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = unit_by_code(request.user, data["unit_code"])
        if unit is None:
            form.add_error("unit_code", _("No unit with that code is within your scope."))
        else:
            try:
                user = services.user_create(
                    actor=request.user,
                    username=data["username"],
                    password=data["password"],
                    display_name=data["display_name"],
                    grants=[(data["role"], unit)],
                )
            except ApplicationError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request, _("User “%(name)s” has been created.") % {"name": user.username}
                )
                return redirect("user_detail", user_id=user.pk)
    return render(request, "web/users/form.html", {"form": form, "title": _("New user")})


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_user_manager(request)
    subject = selectors.user_get(request.user, user_id)
    grant_form = GrantForm(prefix="grant")
    reset_form = PasswordResetForm(prefix="reset")
    if request.method == "POST":
        if "grant-role" in request.POST:
            grant_form = GrantForm(request.POST, prefix="grant")
            if grant_form.is_valid():
                unit = unit_by_code(request.user, grant_form.cleaned_data["unit_code"])
                if unit is None:
                    grant_form.add_error(
                        "unit_code", _("No unit with that code is within your scope.")
                    )
                else:
                    try:
                        services.grant_add(
                            actor=request.user,
                            user=subject,
                            role=grant_form.cleaned_data["role"],
                            unit=unit,
                        )
                    except ApplicationError as error:
                        grant_form.add_service_error(error)
                    else:
                        messages.success(request, _("The role has been granted."))
                        return redirect("user_detail", user_id=subject.pk)
        else:
            reset_form = PasswordResetForm(request.POST, prefix="reset")
            if reset_form.is_valid():
                try:
                    services.user_reset_password(
                        actor=request.user,
                        user=subject,
                        password=reset_form.cleaned_data["password"],
                    )
                except ApplicationError as error:
                    reset_form.add_service_error(error)
                else:
                    messages.success(request, _("A new initial password has been set."))
                    return redirect("user_detail", user_id=subject.pk)
    grants = [
        (grant, access.can(request.user, Perm.MANAGE_USERS, grant.unit))
        for grant in subject.grants.all()
    ]
    return render(
        request,
        "web/users/detail.html",
        {
            "subject": subject,
            "grants": grants,
            "grant_form": grant_form,
            "reset_form": reset_form,
        },
    )


@login_required
@require_POST
def grant_revoke(request: HttpRequest, user_id: int, grant_id: int) -> HttpResponse:
    grant = selectors.grant_get(request.user, user_id, grant_id)
    subject = grant.user
    try:
        services.grant_revoke(actor=request.user, grant=grant)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The role has been revoked."))
    return redirect("user_detail", user_id=subject.pk)
