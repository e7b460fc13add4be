"""Verifying the chain in the background reports through a Progress record."""

from __future__ import annotations

import pytest
from django.db import connection

from jinguo.audit.models import AuditEntry
from jinguo.audit.tasks import audit_verify_task
from jinguo.core.models import Progress
from jinguo.core.progress import progress_start
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db


def test_verify_task_marks_progress_done_with_the_number_checked(tree: Tree, auditor) -> None:
    progress = progress_start(owner_id=auditor.pk, label="audit verify")

    audit_verify_task.enqueue(str(progress.pk))

    progress.refresh_from_db()
    assert progress.state == Progress.State.DONE
    assert progress.message == f"ok:{AuditEntry.objects.count()}"
    assert progress.finished
    assert progress.percent == 100


def test_verify_task_marks_progress_failed_at_a_broken_link(tree: Tree, auditor) -> None:
    entry = AuditEntry.objects.order_by("id")[2]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")
        cursor.execute(
            "UPDATE audit_auditentry SET actor_name = 'someone' WHERE id = %s", [entry.pk]
        )
    progress = progress_start(owner_id=auditor.pk, label="audit verify")

    audit_verify_task.enqueue(str(progress.pk))

    progress.refresh_from_db()
    assert progress.state == Progress.State.FAILED
    assert progress.message == f"broken:{entry.pk}:content does not match its hash"
