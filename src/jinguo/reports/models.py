"""The annual work summary: the paragraphs it is written from, and the reports generated.

`Paragraph`: one editable paragraph template of the summary (工作总结): the words staff write,
with placeholders for the figures (``{loans.households}``, see `jinguo.reports.placeholders`).
Rows with no owner are the shipped defaults (`jinguo.reports.defaults`, kept in step with the
code); a unit that wants other words has its own copy with the same ``key``, which applies to
it and every unit below it that has none of its own.

`Snapshot`: a summary as generated for a unit and a period, with its figures frozen, its
paragraphs as they read then and the HTML shown, so that a later run can be compared with it
("what changed since").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinguo.orgunits.models import OrgUnit


class Section(models.TextChoices):
    """Where a paragraph goes: the opening, the four work areas of the year, the closing."""

    OPENING = "opening", _("Opening")
    PROSPERITY = "prosperity", _("Prosperity and achievement")
    LIVELIHOOD = "livelihood", _("Livelihood of women and children")
    DEVELOPMENT = "development", _("Women's development")
    ORGANISATION = "organisation", _("Organisation building")
    CLOSING = "closing", _("Closing")


# The work areas, numbered 一、二、三、四 in the summary; the opening and closing are not.
WORK_AREAS = (
    Section.PROSPERITY,
    Section.LIVELIHOOD,
    Section.DEVELOPMENT,
    Section.ORGANISATION,
)


class ParagraphKind(models.TextChoices):
    # The title of its section: of the whole document for the opening, "一、…" for a work area.
    HEADING = "heading", _("Section heading")
    # A numbered item "1.强化服务…。…" in a work area; a plain paragraph in the opening and closing.
    ITEM = "item", _("Paragraph")


class Paragraph(models.Model):
    key = models.SlugField(_("key"), max_length=60)
    section = models.CharField(_("section"), max_length=12, choices=Section.choices)
    kind = models.CharField(
        _("kind"), max_length=8, choices=ParagraphKind.choices, default=ParagraphKind.ITEM
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    active = models.BooleanField(_("in use"), default=True)
    # Null: the shipped default. Otherwise the unit whose copy this is (it and those below it).
    owner = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("summary paragraph")
        verbose_name_plural = _("summary paragraphs")
        ordering = ["section", "order", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key"],
                condition=Q(owner__isnull=False),
                name="paragraph_owner_key_unique",
            ),
            models.UniqueConstraint(
                fields=["key"], condition=Q(owner__isnull=True), name="paragraph_default_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.heading or self.key

    @property
    def is_default(self) -> bool:
        return self.owner_id is None


class Snapshot(models.Model):
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    # A period key of `jinguo.metrics.periods`: "2014" for the calendar year.
    period = models.CharField(_("period"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Each figure as it was: key, about, label, value, text, measure, definition, period.
    figures = models.JSONField(_("figures"), default=list)
    # The summary as generated: sections, numbered items, their words and figures.
    content = models.JSONField(_("content"), default=dict)
    html = models.TextField(_("HTML"))

    class Meta:
        verbose_name = _("summary snapshot")
        verbose_name_plural = _("summary snapshots")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "period"], name="snapshot_unit_period_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.created_at:%Y-%m-%d %H:%M})"
