from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

# Pages a user with an initial password may still reach.
_ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/")


class PasswordChangeRequiredMiddleware:
    """A user holding an initial (administrator-set) password must choose her own first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not request.path.startswith("/api/")
        ):
            target = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('password_change')}?{target}")
        return self.get_response(request)
