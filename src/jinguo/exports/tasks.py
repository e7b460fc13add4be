from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django_tasks import task

from jinguo.core import crypto
from jinguo.core.errors import ApplicationError
from jinguo.core.progress import progress_advance, progress_finish
from jinguo.exports.services import (
    PASSWORD_CONTEXT,
    check_format,
    export_people_store,
    filter_from_dict,
)


@task()
def export_people_task(
    progress_id: str,
    user_id: int,
    filters: dict[str, Any],
    fmt: str,
    reveal: bool,
    password_token: str | None,
    language: str = "zh-hans",
) -> None:
    """Export people in the background as the user `user_id`, with her grants of now.

    Queue it with `services.export_people_start`, which encrypts the search text in `filters`
    and the zip password (`password_token`): task arguments are stored in the database.
    On success the progress message is ``ok:<rows>:<stored name>``.
    """
    try:
        actor = get_user_model().objects.get(pk=user_id, is_active=True)
        name, rows = export_people_store(
            progress_id=progress_id,
            actor=actor,
            filters=filter_from_dict(actor, filters),
            fmt=check_format(fmt),
            reveal=reveal,
            password=(
                crypto.decrypt(password_token, context=PASSWORD_CONTEXT) if password_token else None
            ),
            language=language,
            on_progress=lambda done, total: progress_advance(
                progress_id=progress_id, done=done, total=total
            ),
        )
    except Exception as error:
        # An application error explains itself; anything else is named, never quoted, since
        # its text may hold a value from the rows.
        message = (
            error.render(language) if isinstance(error, ApplicationError) else type(error).__name__
        )
        progress_finish(progress_id=progress_id, message=message, failed=True)
        raise
    progress_finish(progress_id=progress_id, message=f"ok:{rows}:{name}")
