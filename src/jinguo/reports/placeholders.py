"""The placeholders staff write in the summary's paragraphs, and nothing else: no code runs.

A paragraph is plain text with figures in braces::

    积极争取到自治区妇联贴息贷款{loans.amount|项目=自治区妇联贴息贷款|万}万元，用于扶持
    {loans.households|项目=自治区妇联贴息贷款}户农村妇女发家致富。

``{`` opens a placeholder and ``}`` closes it; ``{{`` and ``}}`` stand for the braces
themselves. Inside, parts are separated by ``|`` (or the full-width ``｜``):

* first a metric key of `jinguo.metrics.catalogue` (``loans.households``), or one of the words
  of the report itself: ``单位`` (the unit's name), ``年`` (the year), ``期间`` (the period);
* then, in any order, narrowings written ``name=value`` (``=`` or ``＝``):

  ========================  =========================================================
  ``项目=名称``               one programme (``programme=``)
  ``活动=名称``               one activity (``activity=``)
  ``募捐=名称``               one campaign (``campaign=``; also ``募捐活动=``)
  ``场所=名称``               one charity place, by its unit's name (``place=``; ``地点=``)
  ``队伍=名称``               one volunteer team (``team=``; ``服务队=``, ``志愿队=``)
  ``工程=名称``               one construction project (``project=``; ``建设项目=``)
  ``单位=名称``               a unit below the report's, by its name or code (``unit=``):
                             the figure of that unit's subtree
  ``期间=2014-06``            another period than the report's (``period=``; a key of
                             `jinguo.metrics.periods`; ``2013-01-15~`` runs to the end of
                             the report's period)
  ========================  =========================================================

* and the display option ``万``: the value in ten thousands (20000 → 2, 61000 → 6.1), for
  texts that write "2万元".

This module only reads the text: `parse` splits it into words and references and refuses a
malformed one. Whether a key names a metric, and a name a programme of the unit, is checked by
`jinguo.reports.summary` (`paragraph_check`), which knows the registry and the unit. Every
refusal names the paragraph and the placeholder, in Chinese and English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jinguo.core.errors import ApplicationError, refuse

# Narrowing names as staff write them → the name the engine (`about`) or the report uses.
PARAMETERS: dict[str, str] = {
    "项目": "programme",
    "programme": "programme",
    "program": "programme",
    "活动": "activity",
    "activity": "activity",
    "募捐": "campaign",
    "募捐活动": "campaign",
    "campaign": "campaign",
    "场所": "place",
    "地点": "place",
    "place": "place",
    "队伍": "team",
    "服务队": "team",
    "志愿队": "team",
    "team": "team",
    "工程": "project",
    "建设项目": "project",
    "project": "project",
    "期间": "period",
    "period": "period",
    "单位": "unit",
    "unit": "unit",
}
ABOUT_KINDS = ("programme", "activity", "campaign", "place", "team", "project")
# How each narrowing is written back in Chinese (canonical forms, errors, the editor's help).
PARAMETER_WORDS = {
    "programme": "项目",
    "activity": "活动",
    "campaign": "募捐",
    "place": "场所",
    "team": "队伍",
    "project": "工程",
    "period": "期间",
    "unit": "单位",
}
FLAGS: dict[str, str] = {"万": "wan", "万元": "wan", "wan": "wan"}
# Words of the report itself, not figures.
WORDS: dict[str, str] = {
    "单位": "unit",
    "unit": "unit",
    "年": "year",
    "年份": "year",
    "year": "year",
    "期间": "period",
    "period": "period",
}
METRIC_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")
_FULL_WIDTH = str.maketrans({"｜": "|", "＝": "=", "　": " "})

MALFORMED = _(
    "Paragraph “%(paragraph)s”: %(problem)s Write a figure as {metric key}, for example "
    "{loans.households} or {benefits.amount|项目=名称}; write {{ and }} for the braces themselves."
)
UNCLOSED = _("a “{” is not closed (at “%(near)s”).")
STRAY = _("a “}” closes nothing (at “%(near)s”).")
EMPTY = _("the placeholder “{}” is empty.")
BAD_KEY = _(
    "Paragraph “%(paragraph)s”, placeholder “%(placeholder)s”: “%(key)s” is not a metric key "
    "(letters, digits, _ and dots, such as loans.households) nor one of 单位, 年, 期间."
)
BAD_PART = _(
    "Paragraph “%(paragraph)s”, placeholder “%(placeholder)s”: “%(part)s” is not understood. "
    "Narrow a figure with 项目=, 活动=, 募捐=, 场所=, 队伍=, 工程=, 单位= or 期间=, or show it in "
    "ten thousands with 万."
)
REPEATED = _("Paragraph “%(paragraph)s”, placeholder “%(placeholder)s”: “%(name)s” is given twice.")
EMPTY_VALUE = _(
    "Paragraph “%(paragraph)s”, placeholder “%(placeholder)s”: “%(name)s=” needs a name."
)
TWO_NARROWINGS = _(
    "Paragraph “%(paragraph)s”, placeholder “%(placeholder)s”: a figure is narrowed to one "
    "programme, activity, campaign, place, team or project, not two."
)
WORD_WITH_PARTS = _(
    "Paragraph “%(paragraph)s”, placeholder “%(placeholder)s”: “%(key)s” is a word of the report "
    "and takes nothing after it."
)


@dataclass(frozen=True)
class Reference:
    """A figure asked for by a placeholder: a metric, narrowed, perhaps in another period."""

    written: str  # the placeholder as written, braces included
    key: str
    about: tuple[tuple[str, str], ...] = ()  # (programme|activity|campaign|place, name)
    period: str = ""  # a period key, or "" for the report's
    unit: str = ""  # the name or code of a unit below the report's, or "" for the report's
    wan: bool = False  # shown in ten thousands

    @property
    def figure_id(self) -> str:
        """What identifies the figure (not its display): the same in every placeholder that asks
        for it, and across snapshots."""
        parts = [self.key]
        parts += [f"{PARAMETER_WORDS[kind]}={name}" for kind, name in sorted(self.about)]
        if self.unit:
            parts.append(f"单位={self.unit}")
        if self.period:
            parts.append(f"期间={self.period}")
        return "|".join(parts)


@dataclass(frozen=True)
class Word:
    """One of the report's own words: the unit's name, the year, the period."""

    written: str
    name: str  # unit | year | period


Piece = str | Reference | Word


def _near(text: str, at: int) -> str:
    return text[max(0, at - 10) : at + 10]


def parse(text: str, *, paragraph: str) -> list[Piece]:
    """The text as plain words and references, in order; adjacent words joined.

    Raises `ApplicationError` (code ``placeholder_invalid``, field ``text``) naming the
    paragraph and the placeholder at the first malformed one.
    """
    pieces: list[Piece] = []
    words: list[str] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char == "{" and text.startswith("{{", at):
            words.append("{")
            at += 2
        elif char == "}" and text.startswith("}}", at):
            words.append("}")
            at += 2
        elif char == "}":
            raise _malformed(paragraph, STRAY, near=_near(text, at))
        elif char == "{":
            end = text.find("}", at + 1)
            inner_open = text.find("{", at + 1)
            if end < 0 or 0 <= inner_open < end:
                raise _malformed(paragraph, UNCLOSED, near=_near(text, at))
            if words:
                pieces.append("".join(words))
                words = []
            pieces.append(_placeholder(text[at : end + 1], paragraph=paragraph))
            at = end + 1
        else:
            words.append(char)
            at += 1
    if words:
        pieces.append("".join(words))
    return pieces


def references(pieces: list[Piece]) -> list[Reference]:
    return [piece for piece in pieces if isinstance(piece, Reference)]


def _malformed(paragraph: str, problem: object, **params: str) -> ApplicationError:
    # The problem is a lazy message of its own: interpolated in the language the error is
    # rendered in, as the outer one.
    return refuse(
        MALFORMED,
        "placeholder_invalid",
        "text",
        paragraph=paragraph,
        problem=_Lazy(problem, params),
    )


class _Lazy:
    """A lazy message with its parameters, rendered when the outer message is."""

    def __init__(self, message: object, params: dict[str, str]) -> None:
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


def _placeholder(written: str, *, paragraph: str) -> Reference | Word:
    inner = written[1:-1].translate(_FULL_WIDTH)
    parts = [part.strip() for part in inner.split("|")]
    if not parts[0] and len(parts) == 1:
        raise _malformed(paragraph, EMPTY)
    head, rest = parts[0], parts[1:]
    if head in WORDS:
        if rest:
            raise refuse(
                WORD_WITH_PARTS,
                "placeholder_invalid",
                "text",
                paragraph=paragraph,
                placeholder=written,
                key=head,
            )
        return Word(written, WORDS[head])
    if not METRIC_KEY.match(head):
        raise refuse(
            BAD_KEY,
            "placeholder_invalid",
            "text",
            paragraph=paragraph,
            placeholder=written,
            key=head,
        )
    about: dict[str, str] = {}
    period = ""
    unit = ""
    wan = False
    seen: set[str] = set()
    for part in rest:
        name, equals, value = (piece.strip() for piece in part.partition("="))
        if not equals:
            if FLAGS.get(part) == "wan" and "wan" not in seen:
                seen.add("wan")
                wan = True
                continue
            raise refuse(
                BAD_PART if part not in FLAGS else REPEATED,
                "placeholder_invalid",
                "text",
                paragraph=paragraph,
                placeholder=written,
                part=part,
                name=part,
            )
        kind = PARAMETERS.get(name) or PARAMETERS.get(name.lower())
        if kind is None:
            raise refuse(
                BAD_PART,
                "placeholder_invalid",
                "text",
                paragraph=paragraph,
                placeholder=written,
                part=part,
            )
        if kind in seen:
            raise refuse(
                REPEATED,
                "placeholder_invalid",
                "text",
                paragraph=paragraph,
                placeholder=written,
                name=name,
            )
        if not value:
            raise refuse(
                EMPTY_VALUE,
                "placeholder_invalid",
                "text",
                paragraph=paragraph,
                placeholder=written,
                name=name,
            )
        seen.add(kind)
        if kind == "period":
            period = value
        elif kind == "unit":
            unit = value
        elif about:
            raise refuse(
                TWO_NARROWINGS,
                "placeholder_invalid",
                "text",
                paragraph=paragraph,
                placeholder=written,
            )
        else:
            about[kind] = value
    return Reference(
        written=written,
        key=head,
        about=tuple(sorted(about.items())),
        period=period,
        unit=unit,
        wan=wan,
    )
