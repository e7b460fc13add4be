from __future__ import annotations

from django_tasks import task

from jinguo.core.progress import progress_advance, progress_finish
from jinguo.people.dedup import duplicates_scan


@task()
def duplicates_scan_task(progress_id: str, county_code: str) -> None:
    """Scan one county for probable duplicates in the background ("" for every county).

    On success the progress message is ``ok:<people scanned>:<pairs found>``.
    """
    try:
        result = duplicates_scan(
            county_code=county_code or None,
            on_progress=lambda done, total: progress_advance(
                progress_id=progress_id, done=done, total=total
            ),
        )
    except Exception as error:
        progress_finish(progress_id=progress_id, message=str(error), failed=True)
        raise
    progress_finish(
        progress_id=progress_id, message=f"ok:{result.people_scanned}:{result.candidate_pairs}"
    )
