"""Writes to users, grants and API tokens. A user may grant only what she holds."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.functional import lazy
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
GRANT_REVOKED = _("This “%(role)s” role was already revoked on %(revoked)s.")
GRANT_REQUIRED = _("A new user needs at least one role on an org unit.")
UNKNOWN_ROLE = _("Unknown role “%(role)s”.")
TOKEN_NAME_REQUIRED = _("Give the token a name, so that you can recognise it later.")


def _home_path(user: User) -> str:
    """Where entries about a user sit in the audit log: the unit of her first grant, so that
    the auditors of that part of the tree see them ("" for a user without grants)."""
    path = (
        Grant.objects.active()
        .filter(user=user)
        .order_by("unit__path")
        .values_list("unit__path", flat=True)
        .first()
    )
    return path or ""


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError:
        pass
    else:
        return
    # Validators translate their messages when they run, so the reasons are gathered once per
    # language: the error renders in both (the API returns both) without keeping the password.
    reasons: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                reasons[language] = " ".join(error.messages)
    raise ApplicationError(
        WEAK_PASSWORD,
        code="weak_password",
        field="password",
        params={"reasons": _in_current_language(reasons)},
    )


def _pick_language(texts: dict[str, str]) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return texts.get(language) or texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()))


_in_current_language = lazy(_pick_language, str)


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
        unit_path=min((unit.path for _role, unit in grants), default=""),
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
    if grant.revoked_at is not None:
        raise ApplicationError(
            GRANT_REVOKED,
            code="grant_revoked",
            field=None,
            params={"role": Role(grant.role).label, "revoked": grant.revoked_at.date()},
        )
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
        actor=user,
        action="user.password_change",
        obj=user,
        unit_path=_home_path(user),
        changes={"password": ["***", "***"]},
    )
    return user


@transaction.atomic
def user_reset_password(*, actor: Any, user: User, password: str) -> User:
    """An administrator sets a new initial password; the user must change it at next login.

    Whoever sets a password can sign in as the user, so the actor must be able to grant every
    role the user holds; a user with no role is out of everyone's scope.
    """
    if actor is not None:
        grants = list(Grant.objects.active().filter(user=user).select_related("unit"))
        if not grants:
            raise Http404
        for grant in grants:
            _check_can_grant(actor, grant.role, grant.unit)
    _check_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        actor=actor,
        action="user.password_reset",
        obj=user,
        unit_path=_home_path(user),
        changes={"password": ["***", "***"]},
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
        unit_path=_home_path(user),
        changes={"name": [None, name], "expires_at": [None, expires]},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    """Revoke one of the user's own tokens; anyone else's is reported as missing."""
    if token.user_id != user.pk:
        raise Http404
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=user,
        action="api_token.revoke",
        obj=token,
        unit_path=_home_path(user),
        changes={"revoked_at": [None, token.revoked_at]},
    )
    return token
