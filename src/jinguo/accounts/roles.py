"""Roles and what each may do. A grant gives a role on an org unit and everything below it."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Perm(StrEnum):
    VIEW = "view"  # read records of the unit's subtree
    EDIT = "edit"  # enter and correct records
    VERIFY = "verify"  # check what the level below entered
    APPROVE = "approve"  # county approval of aid and programmes
    MANAGE_UNITS = "manage_units"  # create, move, rename, merge, close org units
    MANAGE_USERS = "manage_users"  # create users and grant roles (only roles one holds)
    VIEW_AUDIT = "view_audit"  # browse the audit log
    VIEW_HEALTH = "view_health"  # see health details (two-cancers screening)
    REVEAL = "reveal"  # unmask ID numbers and phones, with a reason, audited


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("County administrator")
    COUNTY_STAFF = "county_staff", _("County staff")
    TOWNSHIP_CHAIR = "township_chair", _("Township federation chair")
    VILLAGE_DIRECTOR = "village_director", _("Village Women's Home director")
    MEMBER_REPORTER = "member_reporter", _("Member-unit reporter")
    HEALTH_WORKER = "health_worker", _("Health worker")
    AUDITOR = "auditor", _("Auditor")


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.COUNTY_ADMIN: frozenset(
        {
            Perm.VIEW,
            Perm.EDIT,
            Perm.VERIFY,
            Perm.APPROVE,
            Perm.MANAGE_UNITS,
            Perm.MANAGE_USERS,
            Perm.REVEAL,
        }
    ),
    Role.COUNTY_STAFF: frozenset({Perm.VIEW, Perm.EDIT, Perm.VERIFY}),
    Role.TOWNSHIP_CHAIR: frozenset({Perm.VIEW, Perm.EDIT, Perm.VERIFY, Perm.MANAGE_USERS}),
    Role.VILLAGE_DIRECTOR: frozenset({Perm.VIEW, Perm.EDIT}),
    Role.MEMBER_REPORTER: frozenset({Perm.VIEW, Perm.EDIT}),
    Role.HEALTH_WORKER: frozenset({Perm.VIEW, Perm.EDIT, Perm.VIEW_HEALTH}),
    # Reads everything in its subtree, the audit log included, and changes nothing.
    Role.AUDITOR: frozenset({Perm.VIEW, Perm.VIEW_AUDIT, Perm.VIEW_HEALTH}),
}
WRITE_PERMS = frozenset(
    {Perm.EDIT, Perm.VERIFY, Perm.APPROVE, Perm.MANAGE_UNITS, Perm.MANAGE_USERS, Perm.REVEAL}
)
assert not ROLE_PERMS[Role.AUDITOR] & WRITE_PERMS, "the auditor must not write"  # noqa: S101
