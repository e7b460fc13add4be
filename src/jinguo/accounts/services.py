"""Writes to users, grants and API tokens. A user may grant only what she holds."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import ApiToken, Grant, User
from jinguo.accounts.roles import ROLE_PERMS, Perm, Role
from jinguo.audit.services import audit_record
from jinguo.core.errors import ApplicationError
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit

USERNAME_TAKEN = _("The username “%(username)s” is already taken.")
USERNAME_INVALID = _("A username may contain only letters, digits and . _ - (3 to 40 characters).")
WEAK_PASSWORD = _("The password is not accepted: %(reasons)s")
GRANT_EXCEEDS_OWN = _(
    "You cannot grant “%(role)s” on “%(unit)s”: you may grant only permissions you hold there."
)
GRANT_EXISTS = _("%(user)s already holds “%(role)s” on “%(unit)s”.")
GRANT_REQUIRED = _("A new user needs at least one role on an org unit.")
UNKNOWN_ROLE = _("Unknown role “%(role)s”.")
TOKEN_NAME_REQUIRED = _("Give the token a name, so that you can recognise it later.")


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(
            WEAK_PASSWORD,
            code="weak_password",
            field="password",
            params={"reasons": " ".join(error.messages)},
        ) from None


def _check_can_grant(actor: Any, role: str, unit: OrgUnit) -> None:
    if role not in Role.values:
        raise ApplicationError(
            UNKNOWN_ROLE, code="unknown_role", field="role", params={"role": role}
        )
    if actor is None:
        return
    access.require(actor, Perm.MANAGE_USERS, unit)
    if not ROLE_PERMS[role] <= access.perms_at(actor, unit):
        raise ApplicationError(
            GRANT_EXCEEDS_OWN,
            code="grant_exceeds_own",
            field="role",
            params={"role": Role(role).label, "unit": unit.name},
        )


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    display_name: str = "",
    grants: Sequence[tuple[str, OrgUnit]] = (),
    must_change_password: bool = True,
) -> User:
    """Create a user with an initial password she must change at first login."""
    username = username.strip()
    if not (3 <= len(username) <= 40) or not all(c.isalnum() or c in "._-" for c in username):
        raise ApplicationError(USERNAME_INVALID, code="username_invalid", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(
            USERNAME_TAKEN, code="username_taken", field="username", params={"username": username}
        )
    if actor is not None and not grants:
        raise ApplicationError(GRANT_REQUIRED, code="grant_required", field="grants")
    for role, unit in grants:
        _check_can_grant(actor, role, unit)
    user = User(
        username=username,
        display_name=display_name.strip(),
        must_change_password=must_change_password,
    )
    _check_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        changes={"username": [None, username], "display_name": [None, display_name]},
    )
    for role, unit in grants:
        _grant_add(actor, user, role, unit)
    return user


def _grant_add(actor: Any, user: User, role: str, unit: OrgUnit) -> Grant:
    if Grant.objects.active().filter(user=user, role=role, unit=unit).exists():
        raise ApplicationError(
            GRANT_EXISTS,
            code="grant_exists",
            field="role",
            params={"user": user, "role": Role(role).label, "unit": unit.name},
        )
    grant = Grant.objects.create(
        user=user, role=role, unit=unit, granted_by=actor if actor is not None else None
    )
    audit_record(
        actor=actor,
        action="grant.add",
        obj=grant,
        unit_path=unit.path,
        changes={"user": [None, user.username], "role": [None, role], "unit": [None, unit.code]},
    )
    access.forget(user)
    return grant


@transaction.atomic
def grant_add(*, actor: Any, user: User, role: str, unit: OrgUnit) -> Grant:
    _check_can_grant(actor, role, unit)
    return _grant_add(actor, user, role, unit)


@transaction.atomic
def grant_revoke(*, actor: Any, grant: Grant) -> Grant:
    _check_can_grant(actor, grant.role, grant.unit)
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="grant.revoke",
        obj=grant,
        unit_path=grant.unit.path,
        changes={"revoked_at": [None, grant.revoked_at]},
    )
    access.forget(grant.user)
    return grant


@transaction.atomic
def user_set_own_password(*, user: User, password: str) -> User:
    """The user chose her own password (the form has checked the old one)."""
    _check_password(password, user)
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        actor=user, action="user.password_change", obj=user, changes={"password": ["***", "***"]}
    )
    return user


@transaction.atomic
def user_reset_password(*, actor: Any, user: User, password: str) -> User:
    """An administrator sets a new initial password; the user must change it at next login."""
    for grant in Grant.objects.active().filter(user=user).select_related("unit"):
        access.require(actor, Perm.MANAGE_USERS, grant.unit)
    _check_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        actor=actor, action="user.password_reset", obj=user, changes={"password": ["***", "***"]}
    )
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
    """Create a token for `user`; the key is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ApplicationError(TOKEN_NAME_REQUIRED, code="name_required", field="name")
    key = f"jg_{secrets.token_urlsafe(32)}"
    expires = timezone.now() + dt.timedelta(days=days) if days else None
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:8], key_hash=ApiToken.hash_key(key), expires_at=expires
    )
    audit_record(
        actor=user,
        action="api_token.create",
        obj=token,
        changes={"name": [None, name], "expires_at": [None, expires]},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=user,
        action="api_token.revoke",
        obj=token,
        changes={"revoked_at": [None, token.revoked_at]},
    )
    return token
