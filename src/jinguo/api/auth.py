from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from jinguo.accounts.selectors import api_token_authenticate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer jg_…``; the request then acts as the token's owner."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None or user.must_change_password:
            return None
        request.user = user
        return user
