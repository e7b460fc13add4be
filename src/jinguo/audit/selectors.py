"""Reads of the audit log: only for users holding ``view_audit``, only within their scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from jinguo.accounts.roles import Perm
from jinguo.audit.models import AuditEntry
from jinguo.orgunits import access


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
    roots = access.scope_paths(actor, Perm.VIEW_AUDIT)
    visible = access.scope_q(actor, Perm.VIEW_AUDIT, path_field="unit_path")
    # Entries not tied to a unit (users, tokens) are for auditors of a whole top-level tree.
    if any(root.count("/") == 2 for root in roots):
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


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by().values_list("action", flat=True).distinct())
