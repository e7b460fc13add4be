"""An import batch: one uploaded file, its dry run, its commit and what it wrote (for undo)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.core.models import Progress
from jinguo.orgunits.models import OrgUnit


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKED = "checked", _("Checked")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("All rows or none")
        VALID_ONLY = "valid", _("Valid rows; the others to the error workbook")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("record type"), max_length=32)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=200)
    file_hash = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    stored_path = models.CharField(max_length=300)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED
    )
    mode = models.CharField(
        _("mode"), max_length=8, choices=Mode.choices, default=Mode.ALL_OR_NOTHING
    )
    # {"rows": n, "new": n, "updated": n, "unchanged": n, "errors": n}
    check_counts = models.JSONField(_("dry-run counts"), default=dict)
    commit_counts = models.JSONField(_("import counts"), default=dict)
    # The first errors, for the page: [{"row": 3, "column": "身份证号", "message": "…"}]
    first_errors = models.JSONField(default=list)
    error_file_path = models.CharField(max_length=300, blank=True)
    progress = models.ForeignKey(
        Progress, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("message"), blank=True)
    # "host:pid" of the process committing it, so that a commit whose process died can be
    # recognised and run again.
    committer = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["kind", "file_hash"], name="import_kind_hash_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class ImportItem(models.Model):
    """A record an import created or changed, with what it was before (for undo)."""

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("import action", "Created")
        UPDATED = "updated", pgettext_lazy("import action", "Updated")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=8, choices=Action.choices)
    row = models.PositiveIntegerField()
    before = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"], name="importitem_object_idx")]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.action} {self.object_type}#{self.object_id}"
