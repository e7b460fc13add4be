"""Progress records: what background jobs report and pages poll."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from jinguo.core.models import Progress
from jinguo.core.progress import progress_advance, progress_finish, progress_start

pytestmark = pytest.mark.django_db


def an_owner() -> int:
    # Core may not import the accounts app (import-linter); the user model comes from settings.
    return int(get_user_model().objects.create(username="meili").pk)


def test_progress_moves_from_queued_to_running_to_done() -> None:
    progress = progress_start(owner_id=an_owner(), label="job")
    assert (progress.state, progress.percent, progress.finished) == ("queued", 0, False)

    progress_advance(progress_id=progress.pk, done=25, total=100)
    progress.refresh_from_db()
    assert (progress.state, progress.percent) == ("running", 25)

    progress_finish(progress_id=progress.pk, message="ok:100")
    progress.refresh_from_db()
    assert (progress.state, progress.done, progress.percent) == ("done", 100, 100)
    assert progress.finished


def test_a_failed_job_keeps_how_far_it_got() -> None:
    progress = progress_start(owner_id=an_owner(), label="job", total=10)
    progress_advance(progress_id=progress.pk, done=4)

    progress_finish(progress_id=progress.pk, message="boom", failed=True)

    progress.refresh_from_db()
    assert (progress.state, progress.done, progress.message) == (Progress.State.FAILED, 4, "boom")
    assert progress.finished
    assert progress.percent == 40
