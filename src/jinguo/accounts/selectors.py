"""Reads of users and tokens through the reader's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from jinguo.accounts.models import ApiToken, Grant, User
from jinguo.accounts.roles import Perm
from jinguo.orgunits import access


def user_list(actor: Any, *, search: str = "") -> QuerySet[User]:
    """Users holding a grant inside the part of the tree where `actor` manages users or audits."""
    in_scope = access.scope_q(actor, Perm.MANAGE_USERS, path_field="unit__path") | access.scope_q(
        actor, Perm.VIEW_AUDIT, path_field="unit__path"
    )
    grant_ids = Grant.objects.active().filter(in_scope).values("user_id")
    users = User.objects.filter(pk__in=grant_ids)
    if search:
        users = users.filter(username__icontains=search) | users.filter(
            display_name__icontains=search
        )
    grants = Grant.objects.active().select_related("unit").order_by("unit__path")
    return users.prefetch_related(Prefetch("grants", queryset=grants)).order_by("username")


def user_get(actor: Any, user_id: Any) -> User:
    try:
        return user_list(actor).get(pk=int(user_id))
    except (User.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def grant_get(actor: Any, user_id: Any, grant_id: Any) -> Grant:
    """An active grant of a user the actor may see, fetched through that user (404 otherwise)."""
    subject = user_get(actor, user_id)
    grant = (
        Grant.objects.active()
        .filter(pk=grant_id, user=subject)
        .select_related("unit", "user")
        .first()
    )
    if grant is None:
        raise Http404
    return grant


def api_token_authenticate(key: str) -> User | None:
    """The active user owning a live token with this key, or None."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or (token.expires_at and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_list(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")
