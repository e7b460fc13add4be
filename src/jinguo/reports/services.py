"""Writes of the summary's paragraphs: a unit's own copy, a new paragraph, back to the inherited.

Editing is for whoever approves at the unit (`Perm.APPROVE`: the county administrator of a
county, or above). A unit's copy applies to it and to every unit below it without one of its
own; the shipped defaults are never edited (see `jinguo.reports.defaults`). Every placeholder
is checked before anything is written (`summary.paragraph_check`): an unknown metric, name or
period is refused with the paragraph and the placeholder named.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import Perm
from jinguo.audit.services import audit_record
from jinguo.core.errors import refuse, stale
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit
from jinguo.reports.models import Paragraph, ParagraphKind, Section
from jinguo.reports.summary import paragraph_check, paragraphs_for

NO_PARAGRAPH = _("There is no paragraph “%(key)s” for %(unit)s.")
NOT_OWN = _("%(unit)s has no words of its own for this paragraph; it already reads as inherited.")
EMPTY_PARAGRAPH = _("Write a heading or a text.")


def _require(actor: Any, unit: OrgUnit) -> None:
    if actor is not None:
        access.require(actor, Perm.APPROVE, unit)


def _effective(unit: OrgUnit, key: str) -> Paragraph:
    for row in paragraphs_for(unit, with_inactive=True):
        if row.key == key:
            return row
    raise refuse(NO_PARAGRAPH, "paragraph_unknown", "key", key=key, unit=unit.name)


def _snapshot(row: Paragraph) -> dict[str, Any]:
    return {
        "section": row.section,
        "order": row.order,
        "heading": row.heading,
        "text": row.text,
        "active": row.active,
    }


def _changes(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [None if before is None else before.get(name), value]
        for name, value in after.items()
        if before is None or before.get(name) != value
    }


def paragraph_write(
    *,
    actor: Any,
    unit: OrgUnit,
    key: str,
    section: str,
    kind: str,
    order: int,
    heading: str,
    text: str,
    active: bool,
    year: int | str | None = None,
) -> Paragraph:
    """Create or replace the unit's own paragraph `key`, after checking its placeholders
    (for the summary of `year`, or of the current year)."""
    _require(actor, unit)
    if section not in Section.values or kind not in ParagraphKind.values:
        raise refuse(_("Choose a section."), "paragraph_section", "section")
    if not heading.strip() and not text.strip():
        raise refuse(EMPTY_PARAGRAPH, "paragraph_empty", "text")
    paragraph_check(unit, heading=heading, text=text, name=heading or key, year=year)
    with transaction.atomic():
        row = Paragraph.objects.select_for_update().filter(owner=unit, key=key).first()
        before = _snapshot(row) if row else None
        if row is None:
            row = Paragraph(owner=unit, key=key, version=0)
        row.section, row.kind, row.order = section, kind, order
        row.heading, row.text, row.active = heading, text, active
        row.version += 1
        row.updated_by = actor
        row.full_clean()
        row.save()
        audit_record(
            actor=actor,
            action="summary.paragraph",
            obj=row,
            unit_path=unit.path,
            changes=_changes(before, _snapshot(row)),
        )
    return row


def paragraph_save(
    *,
    actor: Any,
    unit: OrgUnit,
    key: str,
    heading: str,
    text: str,
    active: bool,
    order: int,
    base_id: int,
    base_version: int,
    year: int | str | None = None,
) -> Paragraph:
    """Save the words of paragraph `key` as the unit reads it: its own copy is changed, an
    inherited paragraph becomes the unit's own copy. `base_id` and `base_version` are the
    paragraph the editor started from; if it has changed since, the edit is refused."""
    _require(actor, unit)
    current = _effective(unit, key)
    if current.pk != base_id or current.version != base_version:
        raise stale(current.version, base_version)
    return paragraph_write(
        actor=actor,
        unit=unit,
        key=key,
        section=current.section,
        kind=current.kind,
        order=order,
        heading=heading,
        text=text,
        active=active,
        year=year,
    )


def paragraph_create(
    *,
    actor: Any,
    unit: OrgUnit,
    section: str,
    heading: str,
    text: str,
    order: int,
    year: int | str | None = None,
) -> Paragraph:
    """A new numbered item (or, in the opening and closing, a plain paragraph) of the unit's."""
    _require(actor, unit)
    taken = set(Paragraph.objects.filter(owner=unit).values_list("key", flat=True))
    number = len(taken) + 1
    while f"u{unit.pk}-{number}" in taken:
        number += 1
    return paragraph_write(
        actor=actor,
        unit=unit,
        key=f"u{unit.pk}-{number}",
        section=section,
        kind=ParagraphKind.ITEM,
        order=order,
        heading=heading,
        text=text,
        active=True,
        year=year,
    )


def paragraph_reset(*, actor: Any, unit: OrgUnit, key: str) -> None:
    """Drop the unit's own words for `key`: what it inherits applies again (a paragraph of its
    own, with nothing to inherit, is removed)."""
    _require(actor, unit)
    with transaction.atomic():
        row = Paragraph.objects.select_for_update().filter(owner=unit, key=key).first()
        if row is None:
            raise refuse(NOT_OWN, "paragraph_not_own", None, unit=unit.name)
        audit_record(
            actor=actor,
            action="summary.paragraph_reset",
            obj=row,
            unit_path=unit.path,
            changes={name: [value, None] for name, value in _snapshot(row).items()},
        )
        row.delete()
