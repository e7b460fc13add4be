"""Reads of import batches, always through the user's scope (the batch's unit)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from jinguo.accounts.roles import Perm
from jinguo.imports.models import ImportBatch
from jinguo.orgunits import access


def batch_list(actor: Any) -> QuerySet[ImportBatch]:
    """The imports into units where the actor may enter records, newest first."""
    batches = ImportBatch.objects.select_related("unit", "uploaded_by", "progress")
    return access.scoped(actor, batches, Perm.EDIT, path_field="unit__path").order_by("-created_at")


def batch_get(actor: Any, batch_id: Any) -> ImportBatch:
    """One import in scope; missing, malformed and out-of-scope ids all give 404."""
    try:
        key = uuid.UUID(str(batch_id))
    except (ValueError, ValidationError):
        raise Http404 from None
    found = batch_list(actor).filter(pk=key).first()
    if found is None:
        raise Http404
    return found
