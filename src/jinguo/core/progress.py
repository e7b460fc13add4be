"""Services for progress records; tasks report through these, pages read them."""

from __future__ import annotations

import uuid

from django.db.models import F

from jinguo.core.models import Progress


def progress_start(*, owner_id: int, label: str, total: int = 0) -> Progress:
    return Progress.objects.create(owner_id=owner_id, label=label, total=total)


def progress_advance(*, progress_id: uuid.UUID | str, done: int, total: int | None = None) -> None:
    changes: dict[str, object] = {"done": done, "state": Progress.State.RUNNING}
    if total is not None:
        changes["total"] = total
    Progress.objects.filter(pk=progress_id).update(**changes)


def progress_finish(
    *, progress_id: uuid.UUID | str, message: str = "", failed: bool = False
) -> None:
    state = Progress.State.FAILED if failed else Progress.State.DONE
    updates: dict[str, object] = {"state": state, "message": message}
    if not failed:
        updates["done"] = F("total")
    Progress.objects.filter(pk=progress_id).update(**updates)
