from __future__ import annotations

from django_tasks import task

from jinguo.audit.services import audit_verify
from jinguo.core.progress import progress_advance, progress_finish


@task()
def audit_verify_task(progress_id: str) -> None:
    """Verify the whole chain in the background, reporting progress as it goes."""
    try:
        result = audit_verify(
            on_progress=lambda done, total: progress_advance(
                progress_id=progress_id, done=done, total=total
            ),
        )
    except Exception as error:
        progress_finish(progress_id=progress_id, message=str(error), failed=True)
        raise
    if result.ok:
        progress_finish(progress_id=progress_id, message=f"ok:{result.checked}")
    else:
        assert result.broken is not None  # noqa: S101
        progress_finish(
            progress_id=progress_id,
            failed=True,
            message=f"broken:{result.broken.entry_id}:{result.broken.reason}",
        )
