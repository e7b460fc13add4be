"""The annual work summary (工作总结), written from the paragraphs and the records.

`summary_build(unit, year)` takes the paragraphs that apply to the unit (its own copies, its
ancestors', the shipped defaults: `paragraphs_for`), reads each one's placeholders
(`jinguo.reports.placeholders`), asks the metric engine for the figures of the unit's subtree
in the period, and returns a `Summary`: the title, the opening, the four work areas numbered
一、二、三、四 with their items 1. 2. …, the closing, and every figure used, frozen with its
label, value, measure and definition. From it:

* `summary_html` — the text with every figure a link to its records (the drill-down page);
* `summary_docx` — a Word document from the template ``templates/reports/summary.docx`` (which
  staff may restyle in Word; `jinguo.reports.docx_template` makes the shipped one), with an
  appendix listing each figure;
* `summary_pdf` — the same converted by LibreOffice, where it is installed;
* `snapshot_create` — the summary stored with its figures frozen, and `snapshot_diff`, what
  changed between two of them (or between one and a fresh run).

Staff text is never a template: it is split into words and figures by the placeholder parser,
and the words are escaped wherever they are written (HTML, Word XML).
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import Perm
from jinguo.activities.models import Activity
from jinguo.audit.services import audit_record
from jinguo.core.errors import ApplicationError, refuse
from jinguo.donations.models import Campaign, CharityPlace
from jinguo.metrics import engine, periods, registry
from jinguo.metrics.periods import Period
from jinguo.orgunits import access
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.programmes.models import Programme, Project
from jinguo.reports import placeholders
from jinguo.reports.models import WORK_AREAS, Paragraph, ParagraphKind, Section, Snapshot
from jinguo.reports.placeholders import Piece, Reference, Word

TEMPLATE = Path(__file__).parent / "templates" / "reports" / "summary.docx"
DOCUMENT_LANGUAGE = "zh-hans"  # the summary is a Chinese document, whoever generates it
NUMERALS = "一二三四五六七八九十"
SECTION_ORDER = {section: index for index, section in enumerate(Section.values)}
CLOSING_PUNCTUATION = tuple("。！？：；.!?:;")
WAN = Decimal(10_000)
MISSING = "【{}？】"  # a figure that could not be read, in a summary built with strict=False

UNKNOWN_METRIC = _(
    "Paragraph “%(paragraph)s”, placeholder “%(placeholder)s”: there is no metric “%(key)s”. "
    "The list of metrics is on the paragraph's edit page."
)
NOT_NARROWABLE = _(
    "Paragraph “%(paragraph)s”, placeholder “%(placeholder)s”: “%(key)s” cannot be narrowed to "
    "one %(kind)s."
)
UNKNOWN_NAME = _(
    "Paragraph “%(paragraph)s”, placeholder “%(placeholder)s”: no %(kind)s named “%(name)s” "
    "is run by %(unit)s, the units above it or below it."
)
AMBIGUOUS_NAME = _(
    "Paragraph “%(paragraph)s”, placeholder “%(placeholder)s”: more than one %(kind)s is named "
    "“%(name)s” (%(count)s of them); give the full name, or the period (期间=) of the one meant."
)
UNKNOWN_UNIT = _(
    "Paragraph “%(paragraph)s”, placeholder “%(placeholder)s”: no unit named “%(name)s” lies "
    "within %(unit)s."
)
AMBIGUOUS_UNIT = _(
    "Paragraph “%(paragraph)s”, placeholder “%(placeholder)s”: %(count)s units within %(unit)s "
    "are named “%(name)s”; write the township first (镇名/村名) or give the unit's code."
)
BAD_PERIOD = _(
    "Paragraph “%(paragraph)s”, placeholder “%(placeholder)s”: “%(period)s” is not a period. "
    "Write 2014, 2014A, 2014H1, 2014Q3, 2014-03, 2013-01-15~ or 2014-03-08~2014-05-31."
)
NO_PDF = _(
    "PDF needs LibreOffice (soffice), which is not installed on this server; download the "
    ".docx and print it from Word or WPS instead."
)
KIND_WORDS = {
    "programme": _("programme"),
    "activity": _("activity"),
    "campaign": _("campaign"),
    "place": _("charity place"),
    "team": _("volunteer team"),
    "project": _("construction project"),
}


# --- figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrozenFigure:
    """A figure as the summary states it, with what it counts: kept as it was in a snapshot."""

    id: str  # `Reference.figure_id`: the metric, its narrowing and its period
    key: str
    label: str
    value: str | None  # a decimal as text; None for a rate of nothing
    text: str
    measure: str
    definition: str
    unit_id: int
    period: str
    period_label: str
    about_kind: str = ""
    about_id: int | None = None
    about_name: str = ""
    unit_name: str = ""  # set when the placeholder names a unit below the report's (单位=)

    @property
    def decimal(self) -> Decimal | None:
        return None if self.value is None else Decimal(self.value)

    @property
    def about_param(self) -> str:
        """The drill-down's ``about`` (``programme:12``), or "" when the figure is not narrowed."""
        return f"{self.about_kind}:{self.about_id}" if self.about_kind else ""

    @property
    def full_label(self) -> str:
        """The label with its narrowing and its period, as the appendix lists it."""
        label = self.label
        if self.unit_name:
            label += f"（{self.unit_name}）"
        if self.about_name:
            label += f"（{self.about_name}）"
        if self.period_label:
            label += f"（{self.period_label}）"
        return label

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FrozenFigure:
        values: dict[str, Any] = {name: data.get(name) for name in cls.__dataclass_fields__}
        return cls(**values)


def _explicit(period: Period) -> str:
    """The key of the period's very days: "since a day" ends on the report's last day, not on
    whatever today is when the drill-down link is followed."""
    if period.key.endswith("~"):
        return f"{period.start.isoformat()}~{period.last_day.isoformat()}"
    return period.key


def wan_text(value: Decimal | None) -> str:
    """A value in ten thousands, as "2万元" writes it: 20000 → 2, 61000 → 6.1, 239450 → 23.945."""
    if value is None:
        return "—"
    text = f"{(value / WAN).quantize(Decimal('0.0001')):,.4f}"
    return text.rstrip("0").rstrip(".")


class Resolver(Protocol):
    """Checks placeholders and reads their figures for one unit and period."""

    def check(self, ref: Reference, *, paragraph: str) -> None:
        """Refuse (naming the paragraph and placeholder) what cannot be read."""

    def figures(self, refs: Sequence[Reference]) -> dict[str, FrozenFigure]:
        """The figures of checked references, by `Reference.figure_id`."""


def _paragraph_error(
    message: Any, code: str, *, paragraph: str, ref: Reference, **params: Any
) -> ApplicationError:
    return refuse(message, code, "text", paragraph=paragraph, placeholder=ref.written, **params)


class EngineResolver:
    """Figures from `jinguo.metrics.engine`; names of programmes, activities, campaigns and
    charity places found among those of the unit, the units above it and below it."""

    def __init__(self, unit: OrgUnit, period: Period) -> None:
        self.unit = unit
        self.period = period
        self._ids: dict[tuple[str, str, str], tuple[int, str]] = {}
        self._units: dict[str, OrgUnit] = {}

    # the parts of a reference

    def _period(self, ref: Reference, paragraph: str) -> Period:
        if not ref.period:
            return self.period
        try:
            # "since a day" runs to the end of the report's period, not to today.
            return periods.parse(ref.period, today=self.period.last_day)
        except ApplicationError:
            raise _paragraph_error(
                BAD_PERIOD, "placeholder_period", paragraph=paragraph, ref=ref, period=ref.period
            ) from None

    def _unit(self, ref: Reference, paragraph: str) -> OrgUnit:
        """The unit a placeholder names (单位=): by code, by name, or by names from a township
        down (大沁他拉镇/振兴社区), within the report's unit."""
        if not ref.unit:
            return self.unit
        if ref.unit not in self._units:
            below = OrgUnit.objects.filter(path__startswith=self.unit.path)
            if ref.unit.isdigit() or (ref.unit.isalnum() and ref.unit.isascii()):
                found = list(below.filter(code=ref.unit))
            else:
                names = [part.strip() for part in ref.unit.split("/") if part.strip()]
                found = list(below.filter(name=names[-1]))
                if not found:
                    found = list(below.filter(name__contains=names[-1])[:50])
                for name in names[:-1]:
                    found = [
                        unit
                        for unit in found
                        if OrgUnit.objects.filter(
                            pk__in=unit.ancestor_ids(), name__contains=name
                        ).exists()
                    ]
            if len(found) != 1:
                raise _paragraph_error(
                    AMBIGUOUS_UNIT if found else UNKNOWN_UNIT,
                    "placeholder_ambiguous_unit" if found else "placeholder_unknown_unit",
                    paragraph=paragraph,
                    ref=ref,
                    name=ref.unit,
                    unit=self.unit.name,
                    count=len(found),
                )
            self._units[ref.unit] = found[0]
        return self._units[ref.unit]

    def _sources(self, key: str) -> list[Any]:
        declared = registry.METRICS[key]
        keys = (
            [declared.numerator, declared.denominator]
            if isinstance(declared, registry.Rate)
            else [key]
        )
        return [registry.SOURCES[registry.METRICS[part].source] for part in keys]  # type: ignore[union-attr]

    def _candidates(self, kind: str, name: str, period: Period | None) -> list[tuple[int, str]]:
        path = self.unit.path
        above = self.unit.ancestor_ids()
        near = Q(owner__path__startswith=path) | Q(owner_id__in=above)
        queries: dict[str, tuple[Any, str]] = {
            "programme": (Programme.objects.filter(near), "name"),
            "campaign": (Campaign.objects.filter(near), "name"),
            "activity": (
                Activity.objects.filter(
                    Q(owner__path__startswith=path) | Q(place__path__startswith=path)
                ),
                "title",
            ),
            "place": (
                CharityPlace.objects.filter(Q(unit__path__startswith=path) | Q(unit_id__in=above)),
                "unit__name",
            ),
            "team": (
                OrgUnit.objects.filter(kind=Kind.VOLUNTEER_TEAM, path__startswith=path),
                "name",
            ),
            "project": (
                Project.objects.filter(
                    Q(programme__owner__path__startswith=path)
                    | Q(programme__owner_id__in=above)
                    | Q(site__path__startswith=path)
                ),
                "name",
            ),
        }
        queryset, field_name = queries[kind]
        named = queryset.values_list("pk", field_name)
        found = list(named.filter(**{field_name: name})[:50])
        if not found:  # a part of the name: one match is found, several are ambiguous
            found = list(named.filter(**{f"{field_name}__contains": name})[:50])
        if len(found) > 1 and kind == "activity" and period is not None:
            # A title given to several activities (a talk held twelve times): the period's.
            within = set(
                queryset.filter(
                    pk__in=[pk for pk, _label in found],
                    start__date__gte=period.start,
                    start__date__lt=period.end,
                ).values_list("pk", flat=True)
            )
            found = [item for item in found if item[0] in within] or found
        return found

    def about_id(
        self, kind: str, name: str, *, paragraph: str, ref: Reference, period: Period | None
    ) -> tuple[int, str]:
        cache_key = (kind, name, getattr(period, "key", ""))
        if cache_key not in self._ids:
            found = self._candidates(kind, name, period)
            if not found:
                raise _paragraph_error(
                    UNKNOWN_NAME,
                    "placeholder_unknown_name",
                    paragraph=paragraph,
                    ref=ref,
                    kind=KIND_WORDS[kind],
                    name=name,
                    unit=self.unit.name,
                )
            if len(found) > 1:
                raise _paragraph_error(
                    AMBIGUOUS_NAME,
                    "placeholder_ambiguous_name",
                    paragraph=paragraph,
                    ref=ref,
                    kind=KIND_WORDS[kind],
                    name=name,
                    count=len(found),
                )
            self._ids[cache_key] = found[0]
        return self._ids[cache_key]

    # the protocol

    def check(self, ref: Reference, *, paragraph: str) -> None:
        if ref.key not in registry.METRICS:
            raise _paragraph_error(
                UNKNOWN_METRIC,
                "placeholder_unknown_metric",
                paragraph=paragraph,
                ref=ref,
                key=ref.key,
            )
        period = self._period(ref, paragraph)
        self._unit(ref, paragraph)
        for kind, name in ref.about:
            for source in self._sources(ref.key):
                if kind not in source.about:
                    raise _paragraph_error(
                        NOT_NARROWABLE,
                        "placeholder_not_narrowable",
                        paragraph=paragraph,
                        ref=ref,
                        key=ref.key,
                        kind=KIND_WORDS[kind],
                    )
            self.about_id(kind, name, paragraph=paragraph, ref=ref, period=period)

    def figures(self, refs: Sequence[Reference]) -> dict[str, FrozenFigure]:
        Group = tuple[str, int, tuple[tuple[str, int, str], ...]]
        groups: dict[Group, dict[str, Reference]] = defaultdict(dict)
        for ref in refs:
            period = self._period(ref, "")
            about = tuple(
                (kind, *self.about_id(kind, name, paragraph="", ref=ref, period=period))
                for kind, name in ref.about
            )
            groups[(period.key, self._unit(ref, "").pk, about)][ref.figure_id] = ref
        out: dict[str, FrozenFigure] = {}
        with translation.override(DOCUMENT_LANGUAGE):
            for (_period_key, _unit_id, about), by_id in groups.items():
                first = next(iter(by_id.values()))
                period, unit = self._period(first, ""), self._unit(first, "")
                keys = sorted({ref.key for ref in by_id.values()})
                found = engine.figures(
                    keys, unit, period, about={kind: pk for kind, pk, _name in about}
                )
                for figure_id, ref in by_id.items():
                    figure = found[ref.key]
                    declared = registry.get(ref.key)
                    out[figure_id] = FrozenFigure(
                        id=figure_id,
                        key=ref.key,
                        label=str(declared.label),
                        value=None if figure.value is None else str(figure.value),
                        text=figure.text,
                        measure=str(declared.measure),
                        definition=engine.describe(ref.key),
                        unit_id=unit.pk,
                        period=_explicit(period),
                        period_label=str(period.label) if ref.period else "",
                        about_kind=about[0][0] if about else "",
                        about_id=about[0][1] if about else None,
                        about_name=about[0][2] if about else "",
                        unit_name=unit.name if ref.unit else "",
                    )
        return out


# --- the paragraphs that apply -------------------------------------------------------------------


def paragraphs_for(unit: OrgUnit, *, with_inactive: bool = False) -> list[Paragraph]:
    """For each key, the copy of the nearest unit at or above `unit`, else the shipped default;
    in the order of the document."""
    from jinguo.reports import defaults

    defaults.defaults_sync()
    chain = [*unit.ancestor_ids(), unit.pk]
    depth = {pk: index for index, pk in enumerate(chain)}
    chosen: dict[str, Paragraph] = {}
    rows = Paragraph.objects.filter(Q(owner__isnull=True) | Q(owner_id__in=chain))
    for row in rows:
        rank = -1 if row.owner_id is None else depth[row.owner_id]
        current = chosen.get(row.key)
        current_rank = (
            -2 if current is None else (-1 if current.owner_id is None else depth[current.owner_id])
        )
        if rank > current_rank:
            chosen[row.key] = row
    out = [row for row in chosen.values() if with_inactive or row.active]
    return sorted(out, key=document_order)


def document_order(row: Paragraph) -> tuple[int, int, int, str]:
    return (
        SECTION_ORDER[row.section],
        0 if row.kind == ParagraphKind.HEADING else 1,
        row.order,
        row.key,
    )


def paragraph_name(row: Paragraph) -> str:
    """How errors name a paragraph: its heading, or the start of its text."""
    name = row.heading or row.text[:20] or row.key
    return name if len(name) <= 30 else name[:30] + "…"


def paragraph_check(
    unit: OrgUnit,
    *,
    heading: str,
    text: str,
    name: str,
    year: int | str | None = None,
    resolver: Resolver | None = None,
) -> list[Reference]:
    """The references of a paragraph's heading and text, each checked for `unit` (and the
    summary of `year`, by default the current one): the first that cannot be read raises its
    `ApplicationError`, naming the paragraph and the placeholder."""
    name = name if len(name) <= 30 else name[:30] + "…"
    period = _period_of(year if year is not None else timezone.localdate().year)
    resolver = resolver or EngineResolver(unit, period)
    pieces = placeholders.parse(heading, paragraph=name) + placeholders.parse(text, paragraph=name)
    refs = placeholders.references(pieces)
    for ref in refs:
        resolver.check(ref, paragraph=name)
    return refs


# --- the summary -------------------------------------------------------------------------------


@dataclass
class Span:
    """A run of the text: words, or a figure (`figure` is its id) shown as `text`."""

    text: str
    figure: str | None = None


@dataclass
class Block:
    """One heading or paragraph as generated."""

    key: str
    kind: str
    number: str  # "1" for a numbered item, "" otherwise
    heading: list[Span]
    body: list[Span]
    template_heading: str = ""
    template_text: str = ""

    @property
    def heading_text(self) -> str:
        return "".join(span.text for span in self.heading)

    @property
    def body_text(self) -> str:
        return "".join(span.text for span in self.body)

    def lead_spans(self) -> list[Span]:
        """What goes in bold before the body: "1." + "强化服务，推进养殖产业化进程" + "。"."""
        spans = [Span(f"{self.number}.")] if self.number else []
        heading = self.heading_text.strip()
        if heading:
            spans += self.heading
            if not heading.endswith(CLOSING_PUNCTUATION) and self.body_text.strip():
                spans.append(Span("。"))
        return spans

    @property
    def lead(self) -> str:
        return "".join(span.text for span in self.lead_spans())

    @property
    def plain(self) -> str:
        return self.lead + self.body_text


@dataclass
class SummarySection:
    key: str
    numeral: str  # 一 二 三 四 for the work areas, "" for the opening and closing
    heading: Block | None
    items: list[Block]

    @property
    def title(self) -> str:
        heading = self.heading.heading_text if self.heading else str(Section(self.key).label)
        return f"{self.numeral}、{heading}" if self.numeral else heading


@dataclass
class Summary:
    unit_id: int
    unit_name: str
    unit_code: str
    period: str
    period_label: str
    title: str
    sections: list[SummarySection]
    figures: dict[str, FrozenFigure]
    generated_at: dt.datetime
    problems: list[ApplicationError] = field(default_factory=list)

    @property
    def blocks(self) -> list[Block]:
        return [
            block
            for section in self.sections
            for block in ([section.heading] if section.heading else []) + section.items
        ]

    def figure_list(self) -> list[FrozenFigure]:
        """The figures in the order the text first states them."""
        seen: dict[str, FrozenFigure] = {}
        for block in self.blocks:
            for span in block.heading + block.body:
                if span.figure and span.figure in self.figures and span.figure not in seen:
                    seen[span.figure] = self.figures[span.figure]
        return list(seen.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "unit_code": self.unit_code,
            "period": self.period,
            "period_label": self.period_label,
            "title": self.title,
            "generated_at": self.generated_at.isoformat(),
            "sections": [
                {
                    "key": section.key,
                    "numeral": section.numeral,
                    "heading": asdict(section.heading) if section.heading else None,
                    "items": [asdict(item) for item in section.items],
                }
                for section in self.sections
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], figures: Iterable[Mapping[str, Any]]) -> Summary:
        def block(raw: Mapping[str, Any]) -> Block:
            return Block(
                **{
                    **raw,
                    "heading": [Span(**span) for span in raw["heading"]],
                    "body": [Span(**span) for span in raw["body"]],
                }
            )

        frozen = [FrozenFigure.from_json(item) for item in figures]
        return cls(
            unit_id=data["unit_id"],
            unit_name=data["unit_name"],
            unit_code=data["unit_code"],
            period=data["period"],
            period_label=data["period_label"],
            title=data["title"],
            generated_at=dt.datetime.fromisoformat(data["generated_at"]),
            sections=[
                SummarySection(
                    key=section["key"],
                    numeral=section["numeral"],
                    heading=block(section["heading"]) if section["heading"] else None,
                    items=[block(item) for item in section["items"]],
                )
                for section in data["sections"]
            ],
            figures={figure.id: figure for figure in frozen},
        )


def _period_of(year: int | str) -> Period:
    return periods.parse(str(year))


def summary_build(
    unit: OrgUnit,
    year: int | str,
    *,
    user: Any = None,
    resolver: Resolver | None = None,
    paragraphs: Sequence[Paragraph] | None = None,
    strict: bool = True,
) -> Summary:
    """The summary of `unit`'s subtree for `year` (a year, or any period key: ``2014A``).

    `user`, when given, must be allowed to view the unit (figures are aggregates of its
    subtree); None is the system (the command line). With `strict` the first placeholder that
    cannot be read raises its `ApplicationError`; otherwise it is shown as 【…？】 and listed
    in `Summary.problems`.
    """
    if user is not None:
        access.require(user, Perm.VIEW, unit)
    period = _period_of(year)
    resolver = resolver or EngineResolver(unit, period)
    rows = (
        sorted(paragraphs, key=document_order) if paragraphs is not None else paragraphs_for(unit)
    )
    with translation.override(DOCUMENT_LANGUAGE):
        period_label = str(period.label)
    words = {"unit": unit.name, "year": str(period.start.year), "period": period_label}
    problems: list[ApplicationError] = []

    # Read every paragraph first, so that the figures are fetched together.
    parsed: list[tuple[Paragraph, list[Piece], list[Piece]]] = []
    wanted: dict[str, Reference] = {}
    broken: set[str] = set()
    for row in rows:
        name = paragraph_name(row)
        try:
            heading = placeholders.parse(row.heading, paragraph=name)
            text = placeholders.parse(row.text, paragraph=name)
        except ApplicationError as error:
            if strict:
                raise
            problems.append(error)
            heading, text = [row.heading], [row.text]
        for ref in placeholders.references(heading + text):
            if ref.figure_id in wanted or ref.figure_id in broken:
                continue
            try:
                resolver.check(ref, paragraph=name)
            except ApplicationError as error:
                if strict:
                    raise
                problems.append(error)
                broken.add(ref.figure_id)
            else:
                wanted[ref.figure_id] = ref
        parsed.append((row, heading, text))
    figures = resolver.figures(list(wanted.values())) if wanted else {}

    def spans(pieces: list[Piece]) -> list[Span]:
        out: list[Span] = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(Span(piece))
            elif isinstance(piece, Word):
                out.append(Span(words[piece.name]))
            elif piece.figure_id in figures:
                figure = figures[piece.figure_id]
                shown = wan_text(figure.decimal) if piece.wan else figure.text
                out.append(Span(shown, piece.figure_id))
            else:
                out.append(Span(MISSING.format(piece.written)))
        return out

    by_section: dict[str, SummarySection] = {}
    for row, heading, text in parsed:
        section = by_section.setdefault(row.section, SummarySection(row.section, "", None, []))
        block = Block(
            key=row.key,
            kind=row.kind,
            number="",
            heading=spans(heading),
            body=spans(text),
            template_heading=row.heading,
            template_text=row.text,
        )
        if row.kind == ParagraphKind.HEADING and section.heading is None:
            section.heading = block
        else:
            section.items.append(block)
    sections: list[SummarySection] = []
    numeral = 0
    for key in Section.values:
        found = by_section.get(key)
        if found is None:
            continue
        section = found
        if key in WORK_AREAS:
            if not section.items:
                continue  # an area with nothing to say is left out, and not numbered
            section.numeral = NUMERALS[numeral]
            numeral += 1
            for number, item in enumerate(section.items, start=1):
                item.number = str(number)
        sections.append(section)
    opening = by_section.get(Section.OPENING)
    title = (
        opening.heading.heading_text
        if opening and opening.heading and opening.heading.heading_text
        else f"{words['year']}年{unit.name}妇联工作总结"
    )
    return Summary(
        unit_id=unit.pk,
        unit_name=unit.name,
        unit_code=unit.code,
        period=period.key,
        period_label=period_label,
        title=title,
        sections=sections,
        figures={key: figures[key] for key in figures},
        generated_at=timezone.now(),
        problems=problems,
    )


# --- HTML ----------------------------------------------------------------------------------------


def figure_url(figure: FrozenFigure) -> str:
    """The drill-down page of a figure (`web:figure`), or "" while there is none."""
    for name in ("web:figure", "figure"):
        try:
            base = reverse(name, args=[figure.key])
        except NoReverseMatch:
            continue
        query: dict[str, str | int] = {"unit": figure.unit_id, "period": figure.period}
        if figure.about_param:
            query["about"] = figure.about_param
        return f"{base}?{urlencode(query)}"
    return ""


def _spans_html(spans: Iterable[Span], summary: Summary, links: Mapping[str, str]) -> str:
    parts = []
    for span in spans:
        figure = summary.figures.get(span.figure) if span.figure else None
        if figure is None:
            parts.append(str(escape(span.text)).replace("\n", "<br>"))
            continue
        title = f"{figure.full_label}：{figure.text} {figure.measure}。{figure.definition}"
        if links.get(figure.id):
            parts.append(
                format_html(
                    '<a class="summary-figure" href="{}" title="{}" data-figure="{}">{}</a>',
                    links[figure.id],
                    title,
                    figure.id,
                    span.text,
                )
            )
        else:
            parts.append(
                format_html(
                    '<span class="summary-figure" title="{}" data-figure="{}">{}</span>',
                    title,
                    figure.id,
                    span.text,
                )
            )
    return "".join(parts)


def summary_html(summary: Summary) -> str:
    """The summary as an HTML fragment (no page around it): each figure a link to its records,
    with its definition as a title. Staff words are escaped, never interpreted."""
    links = {key: figure_url(figure) for key, figure in summary.figures.items()}
    out = [mark_safe('<article class="summary" id="summary" lang="zh-Hans">')]
    out.append(format_html('<h1 class="summary-title">{}</h1>', summary.title))
    for section in summary.sections:
        if section.key != Section.OPENING and (section.numeral or section.heading):
            out.append(
                format_html(
                    '<h2 class="summary-section" id="section-{}">{}{}</h2>',
                    section.key,
                    f"{section.numeral}、" if section.numeral else "",
                    mark_safe(  # noqa: S308 - built from escaped spans
                        _spans_html(section.heading.heading, summary, links)
                        if section.heading
                        else escape(section.title)
                    ),
                )
            )
        if section.heading and section.heading.body:
            out.append(
                format_html(
                    '<p class="summary-intro">{}</p>',
                    mark_safe(_spans_html(section.heading.body, summary, links)),  # noqa: S308
                )
            )
        for item in section.items:
            lead = _spans_html(item.lead_spans(), summary, links)
            out.append(
                format_html(
                    '<p class="summary-item" id="item-{}">{}{}</p>',
                    item.key,
                    mark_safe(f"<strong>{lead}</strong>" if lead else ""),  # noqa: S308
                    mark_safe(_spans_html(item.body, summary, links)),  # noqa: S308
                )
            )
    out.append(mark_safe("</article>"))
    return "\n".join(str(part) for part in out)


# --- Word and PDF ------------------------------------------------------------------------------


def _rich(block: Block, *, lead: bool = True) -> Any:
    from docxtpl import RichText  # type: ignore[import-untyped]

    rich = RichText()
    for span in block.lead_spans() if lead else ():
        rich.add(span.text, bold=True)
    for span in block.body:
        rich.add(span.text)
    return rich


def summary_docx(summary: Summary, *, template: Path | None = None) -> bytes:
    """The summary as a Word document, from the template kept in the repository (or
    `template`), with an appendix listing every figure: label, value, measure, definition."""
    from docxtpl import DocxTemplate

    document = DocxTemplate(str(template or TEMPLATE))
    sections = []
    for section in summary.sections:
        if section.key == Section.OPENING:
            continue
        sections.append(
            {
                "title": section.title if section.numeral or section.heading else "",
                "intro": (
                    _rich(section.heading, lead=False)
                    if section.heading and section.heading.body
                    else ""
                ),
                "paragraphs": [_rich(item) for item in section.items],
            }
        )
    opening = next((s for s in summary.sections if s.key == Section.OPENING), None)
    figures = [
        {
            "number": index,
            "label": figure.full_label,
            "text": figure.text,
            "measure": figure.measure,
            "definition": figure.definition,
        }
        for index, figure in enumerate(summary.figure_list(), start=1)
    ]
    context = {
        "title": summary.title,
        "unit": summary.unit_name,
        "period": summary.period_label,
        "generated": timezone.localtime(summary.generated_at).strftime("%Y-%m-%d %H:%M"),
        "opening": [
            *(
                [_rich(opening.heading, lead=False)]
                if opening and opening.heading and opening.heading.body
                else []
            ),
            *(_rich(item) for item in (opening.items if opening else [])),
        ],
        "sections": sections,
        "figures": figures,
    }
    # Values are data, never template code; escaping keeps "<" and "&" in staff text valid XML.
    document.render(context, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_available() -> bool:
    return shutil.which("soffice") is not None


def summary_pdf(summary: Summary) -> bytes:
    """The Word document converted by LibreOffice; refused (``pdf_unavailable``) without it."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise refuse(NO_PDF, "pdf_unavailable", "format")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "summary.docx"
        source.write_bytes(summary_docx(summary))
        subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
            [soffice, "--headless", "--convert-to", "pdf", "--outdir", folder, str(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return (Path(folder) / "summary.pdf").read_bytes()


# --- snapshots ---------------------------------------------------------------------------------


def snapshot_create(
    *,
    actor: Any,
    unit: OrgUnit,
    year: int | str,
    note: str = "",
    summary: Summary | None = None,
) -> Snapshot:
    """Store the summary of `unit` for `year` with its figures frozen. `actor` None is the
    system; otherwise she must be allowed to enter records at the unit. A summary with
    placeholders that cannot be read is refused (the first problem is raised)."""
    if actor is not None:
        access.require(actor, Perm.EDIT, unit)
    summary = summary or summary_build(unit, year, user=actor)
    if summary.problems:
        raise summary.problems[0]
    html = summary_html(summary)
    with transaction.atomic():
        snapshot = Snapshot.objects.create(
            unit=unit,
            period=summary.period,
            title=summary.title,
            note=note,
            created_by=actor,
            figures=[figure.as_json() for figure in summary.figure_list()],
            content=summary.as_json(),
            html=html,
        )
        audit_record(
            actor=actor,
            action="summary.snapshot",
            obj=snapshot,
            unit_path=unit.path,
            changes={"period": [None, summary.period], "figures": [None, len(snapshot.figures)]},
        )
    return snapshot


def snapshot_summary(snapshot: Snapshot) -> Summary:
    """The summary as it was stored."""
    return Summary.from_json(snapshot.content, snapshot.figures)


@dataclass(frozen=True)
class FigureChange:
    old: FrozenFigure
    new: FrozenFigure


@dataclass(frozen=True)
class ParagraphChange:
    key: str
    name: str
    old: str | None  # the words (template text) before; None when the paragraph is new
    new: str | None  # after; None when it was taken out

    def segments(self) -> list[tuple[str, str]]:
        """The new text against the old, as (kind, text) runs: "same", "removed", "added"."""
        old, new = self.old or "", self.new or ""
        out: list[tuple[str, str]] = []
        matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
        for tag, a1, a2, b1, b2 in matcher.get_opcodes():
            if tag == "equal":
                out.append(("same", old[a1:a2]))
                continue
            if a1 < a2:
                out.append(("removed", old[a1:a2]))
            if b1 < b2:
                out.append(("added", new[b1:b2]))
        return out


@dataclass(frozen=True)
class Diff:
    added: list[FrozenFigure]
    removed: list[FrozenFigure]
    changed: list[FigureChange]
    unchanged: int
    paragraphs: list[ParagraphChange]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.paragraphs)


def _as_summary(item: Snapshot | Summary) -> Summary:
    return snapshot_summary(item) if isinstance(item, Snapshot) else item


def _words(block: Block) -> str:
    """A paragraph's words as staff wrote them: what changed in the text, not in the figures."""
    if block.template_heading and block.template_text:
        return f"{block.template_heading}\n{block.template_text}"
    return block.template_heading or block.template_text


def snapshot_diff(old: Snapshot | Summary, new: Snapshot | Summary) -> Diff:
    """What changed from `old` to `new` (snapshots, or a snapshot and a fresh summary): figures
    added, removed and changed (old → new value), and paragraphs whose words changed."""
    before, after = _as_summary(old), _as_summary(new)
    old_figures = {figure.id: figure for figure in before.figure_list()}
    new_figures = {figure.id: figure for figure in after.figure_list()}
    changed = [
        FigureChange(old_figures[key], new_figures[key])
        for key in new_figures
        if key in old_figures
        and (old_figures[key].decimal, old_figures[key].text)
        != (new_figures[key].decimal, new_figures[key].text)
    ]
    shared = old_figures.keys() & new_figures.keys()
    old_blocks = {block.key: block for block in before.blocks}
    new_blocks = {block.key: block for block in after.blocks}
    paragraphs = []
    for key in [*new_blocks, *(k for k in old_blocks if k not in new_blocks)]:
        was, now = old_blocks.get(key), new_blocks.get(key)
        old_words = _words(was) if was else None
        new_words = _words(now) if now else None
        if old_words != new_words:
            shown = now or was
            assert shown is not None  # noqa: S101 - the key came from one of the two
            name = shown.template_heading or shown.template_text[:20] or key
            paragraphs.append(ParagraphChange(key, name, old_words, new_words))
    return Diff(
        added=[figure for key, figure in new_figures.items() if key not in old_figures],
        removed=[figure for key, figure in old_figures.items() if key not in new_figures],
        changed=changed,
        unchanged=len(shared) - len(changed),
        paragraphs=paragraphs,
    )
