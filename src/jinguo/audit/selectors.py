"""Reads of the audit log: only for users holding ``view_audit``, only within their scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from jinguo.accounts.roles import Perm
from jinguo.audit.models import AuditEntry
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit


def audit_list(
    actor: Any,
    *,
    action: str = "",
    actor_name: str = "",
    object_type: str = "",
    object_id: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    roots = set(access.scope_paths(actor, Perm.VIEW_AUDIT))
    visible = access.scope_q(actor, Perm.VIEW_AUDIT, path_field="unit_path")
    # Entries tied to no unit (system set-up, users without a grant) belong to the whole
    # installation: only an auditor of every top-level unit reads them.
    tops = set(OrgUnit.objects.filter(parent__isnull=True).values_list("path", flat=True))
    if roots and tops <= roots:
        visible |= Q(unit_path="")
    entries = AuditEntry.objects.filter(visible)
    if action:
        entries = entries.filter(action__startswith=action)
    if actor_name:
        entries = entries.filter(actor_name=actor_name)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-id")


def audit_actions(actor: Any) -> list[str]:
    """The actions that occur in the part of the log `actor` may read, for the filter."""
    actions = audit_list(actor).order_by().values_list("action", flat=True).distinct()
    return sorted(actions)
