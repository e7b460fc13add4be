from __future__ import annotations

from collections.abc import Callable

from django_tasks import task

from jinguo.accounts.models import User
from jinguo.core.errors import ApplicationError
from jinguo.core.progress import progress_advance, progress_finish
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_check, import_commit


def _reporter(progress_id: str) -> Callable[[int, int], None]:
    return lambda done, total: progress_advance(progress_id=progress_id, done=done, total=total)


@task()
def import_check_task(progress_id: str, batch_id: str, user_id: int) -> None:
    batch = ImportBatch.objects.select_related("unit").get(pk=batch_id)
    user = User.objects.get(pk=user_id)
    try:
        import_check(actor=user, batch=batch, on_progress=_reporter(progress_id))
    except ApplicationError as error:
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED, message=str(error)
        )
        progress_finish(progress_id=progress_id, message=str(error), failed=True)
        return
    progress_finish(progress_id=progress_id, message="checked")


@task()
def import_commit_task(progress_id: str, batch_id: str, user_id: int, mode: str) -> None:
    batch = ImportBatch.objects.select_related("unit").get(pk=batch_id)
    user = User.objects.get(pk=user_id)
    try:
        import_commit(actor=user, batch=batch, mode=mode, on_progress=_reporter(progress_id))
    except ApplicationError as error:
        progress_finish(progress_id=progress_id, message=str(error), failed=True)
        return
    progress_finish(progress_id=progress_id, message="committed")
