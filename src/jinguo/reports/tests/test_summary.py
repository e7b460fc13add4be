"""The annual work summary: placeholders, the build, HTML, Word, snapshots and the command.

Most tests build from paragraphs given directly and a fake figure resolver (`FakeResolver`),
so that they state the generator's contract independently of the catalogue; the last ones run
the shipped paragraphs against the real engine on a small banner.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError, refuse
from jinguo.metrics import registry
from jinguo.orgunits.models import OrgUnit
from jinguo.programmes import services as programme_services
from jinguo.reports import defaults, placeholders, services
from jinguo.reports import summary as reports
from jinguo.reports.models import Paragraph, ParagraphKind, Section, Snapshot
from jinguo.reports.placeholders import Reference, Word
from jinguo.reports.summary import FrozenFigure
from jinguo.testing import Tree


def _figure_view(request: HttpRequest, key: str) -> HttpResponse:
    return HttpResponse(key)


# The drill-down page is the dashboard's; these tests stand in a page of the same name.
urlpatterns = [path("figures/<str:key>/", _figure_view, name="figure")]


# --- a fake engine --------------------------------------------------------------------------------


class FakeResolver:
    """Figures from a dict: metric key → value; names of programmes → ids."""

    def __init__(
        self,
        values: dict[str, Decimal | None],
        *,
        unit_id: int = 1,
        names: dict[str, int] | None = None,
    ) -> None:
        self.values = values
        self.unit_id = unit_id
        self.names = names or {}

    def check(self, ref: Reference, *, paragraph: str) -> None:
        if ref.key not in self.values:
            raise refuse(
                reports.UNKNOWN_METRIC,
                "placeholder_unknown_metric",
                "text",
                paragraph=paragraph,
                placeholder=ref.written,
                key=ref.key,
            )

    def figures(self, refs: Sequence[Reference]) -> dict[str, FrozenFigure]:
        out = {}
        for ref in refs:
            value = self.values[ref.key]
            about = ref.about[0] if ref.about else ("", "")
            out[ref.figure_id] = FrozenFigure(
                id=ref.figure_id,
                key=ref.key,
                label=f"标签{ref.key}",
                value=None if value is None else str(value),
                text="—" if value is None else f"{value:,}",
                measure="人",
                definition=f"口径{ref.key}",
                unit_id=self.unit_id,
                period=ref.period or "2014",
                period_label=ref.period,
                about_kind=about[0],
                about_id=self.names.get(about[1]) if about[0] else None,
                about_name=about[1],
            )
        return out


def para(
    key: str,
    section: str,
    text: str = "",
    *,
    heading: str = "",
    kind: str = ParagraphKind.ITEM,
    order: int = 0,
) -> Paragraph:
    return Paragraph(
        key=key, section=section, kind=kind, order=order, heading=heading, text=text, active=True
    )


PARAGRAPHS = [
    para("title", Section.OPENING, heading="{年}年{单位}妇联工作总结", kind=ParagraphKind.HEADING),
    para("opening", Section.OPENING, "一年来，{单位}各级妇联组织扎实工作。"),
    para(
        "prosperity",
        Section.PROSPERITY,
        heading="实施“致富创新建功工程”",
        kind=ParagraphKind.HEADING,
    ),
    para(
        "loans",
        Section.PROSPERITY,
        "争取贴息贷款{loans.principal|万}万元，扶持{loans.count}户农村妇女。",
        heading="大力争取微贷款项目",
        order=20,
    ),
    para(
        "trainings",
        Section.PROSPERITY,
        "培训妇女{trainings.counted|活动=十字绣}人。",
        heading="强化服务，推进养殖产业化进程",
        order=10,
    ),
    # A work area with no item is left out, and the next is numbered 二.
    para("livelihood", Section.LIVELIHOOD, heading="民生工程", kind=ParagraphKind.HEADING),
    para(
        "organisation",
        Section.ORGANISATION,
        heading="夯实妇联组织基础",
        kind=ParagraphKind.HEADING,
    ),
    para(
        "homes",
        Section.ORGANISATION,
        "全旗{units.villages}个嘎查村，覆盖率{units.home_coverage}%。",
        heading="深入推进“妇女之家”建设",
    ),
]
VALUES: dict[str, Decimal | None] = {
    "loans.principal": Decimal(5_000_000),
    "loans.count": Decimal(84),
    "trainings.counted": Decimal(196),
    "units.villages": Decimal(355),
    "units.home_coverage": Decimal("100.0"),
}


@pytest.fixture
def county(tree: Tree) -> OrgUnit:
    tree.county.name = "奈曼旗"  # the fake figures need no records; only the name is read
    return tree.county


def build(
    county: OrgUnit,
    paragraphs: list[Paragraph] | None = None,
    values: dict[str, Decimal | None] | None = None,
    **kwargs: Any,
) -> reports.Summary:
    resolver = FakeResolver(values or VALUES, unit_id=county.pk, names={"十字绣": 7})
    return reports.summary_build(
        county, 2014, resolver=resolver, paragraphs=paragraphs or PARAGRAPHS, **kwargs
    )


# --- placeholders -----------------------------------------------------------------------------


def test_plain_words_are_one_piece() -> None:
    assert placeholders.parse("一年来，旗各级妇联组织扎实工作。", paragraph="p") == [
        "一年来，旗各级妇联组织扎实工作。"
    ]


def test_a_placeholder_names_a_metric_between_words() -> None:
    pieces = placeholders.parse("扶持{loans.households}户", paragraph="p")

    assert pieces == ["扶持", Reference("{loans.households}", "loans.households"), "户"]


def test_narrowings_in_chinese_or_english_and_full_width_bars_mean_the_same_figure() -> None:
    chinese = placeholders.parse(
        "{benefits.amount｜项目＝单亲母亲救助|期间=2014-06}", paragraph="p"
    )
    english = placeholders.parse(
        "{benefits.amount | period=2014-06 | programme=单亲母亲救助}", paragraph="p"
    )

    [first], [second] = chinese, english
    assert isinstance(first, Reference)
    assert isinstance(second, Reference)
    assert first.about == second.about == (("programme", "单亲母亲救助"),)
    assert first.period == second.period == "2014-06"
    assert first.figure_id == second.figure_id == "benefits.amount|项目=单亲母亲救助|期间=2014-06"


def test_a_unit_below_and_the_ten_thousands_option() -> None:
    [ref] = placeholders.parse("{donations.cash|单位=大沁他拉镇|万}", paragraph="p")

    assert isinstance(ref, Reference)
    assert (ref.unit, ref.wan) == ("大沁他拉镇", True)
    # The display is not part of the figure: {x} and {x|万} are one figure shown two ways.
    assert ref.figure_id == "donations.cash|单位=大沁他拉镇"


def test_doubled_braces_are_braces_and_report_words_are_words() -> None:
    pieces = placeholders.parse("{{注}} {单位}{年}年（{期间}）", paragraph="p")

    assert pieces == [
        "{注} ",
        Word("{单位}", "unit"),
        Word("{年}", "year"),
        "年（",
        Word("{期间}", "period"),
        "）",
    ]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("扶持{loans.households户", "{"),
        ("扶持loans.households}户", "}"),
        ("{}", "{}"),
        ("{贷款户数}", "{贷款户数}"),
        ("{loans.count|银行=信用社}", "银行=信用社"),
        ("{loans.count|项目=甲|项目=乙}", "项目"),
        ("{loans.count|项目=甲|活动=乙}", "{loans.count|项目=甲|活动=乙}"),
        ("{loans.count|项目=}", "项目"),
        ("{单位|万}", "{单位|万}"),
    ],
)
def test_a_malformed_placeholder_is_refused_naming_the_paragraph(text: str, shown: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        placeholders.parse(text, paragraph="发挥“联”字优势")

    error = caught.value
    assert error.code == "placeholder_invalid"
    assert error.field == "text"
    both = error.as_dict()
    for language in ("message", "message_en"):
        assert "发挥“联”字优势" in str(both[language])
        assert shown in str(both[language])


# --- building ------------------------------------------------------------------------------------


def test_the_summary_follows_the_seed_structure(county: OrgUnit) -> None:
    summary = build(county)

    assert summary.title == "2014年奈曼旗妇联工作总结"
    assert [(s.key, s.numeral) for s in summary.sections] == [
        ("opening", ""),
        ("prosperity", "一"),
        ("organisation", "二"),
    ]
    prosperity = summary.sections[1]
    assert prosperity.title == "一、实施“致富创新建功工程”"
    assert [item.plain for item in prosperity.items] == [
        "1.强化服务，推进养殖产业化进程。培训妇女196人。",
        "2.大力争取微贷款项目。争取贴息贷款500万元，扶持84户农村妇女。",
    ]
    assert summary.sections[0].items[0].plain == "一年来，奈曼旗各级妇联组织扎实工作。"
    assert summary.sections[2].items[0].plain == (
        "1.深入推进“妇女之家”建设。全旗355个嘎查村，覆盖率100.0%。"
    )


def test_every_figure_is_kept_with_what_it_counts(county: OrgUnit) -> None:
    summary = build(county)

    listed = summary.figure_list()
    assert [f.id for f in listed] == [
        "trainings.counted|活动=十字绣",
        "loans.principal",
        "loans.count",
        "units.villages",
        "units.home_coverage",
    ]
    training = listed[0]
    assert (training.about_kind, training.about_id, training.about_param) == (
        "activity",
        7,
        "activity:7",
    )
    assert training.decimal == 196
    assert training.full_label == "标签trainings.counted（十字绣）"


def test_ten_thousands_are_written_as_in_chinese_texts() -> None:
    assert reports.wan_text(Decimal(20_000)) == "2"
    assert reports.wan_text(Decimal(61_000)) == "6.1"
    assert reports.wan_text(Decimal(239_450)) == "23.945"
    assert reports.wan_text(Decimal(5_000_000)) == "500"
    assert reports.wan_text(Decimal(123_456_789)) == "12,345.6789"
    assert reports.wan_text(None) == "—"


def test_an_unknown_metric_is_refused_naming_paragraph_and_placeholder(county: OrgUnit) -> None:
    broken = [*PARAGRAPHS, para("x", Section.CLOSING, "共{loans.housholds}户。", heading="结语")]

    with pytest.raises(ApplicationError) as caught:
        build(county, broken)

    assert caught.value.code == "placeholder_unknown_metric"
    message = caught.value.render("en")
    assert "结语" in message
    assert "{loans.housholds}" in message


def test_without_strict_a_broken_placeholder_is_marked_and_listed(county: OrgUnit) -> None:
    broken = [*PARAGRAPHS, para("x", Section.CLOSING, "共{loans.housholds}户。", heading="结语")]

    summary = build(county, broken, strict=False)

    assert [problem.code for problem in summary.problems] == ["placeholder_unknown_metric"]
    assert summary.sections[-1].items[0].plain == "结语。共【{loans.housholds}？】户。"


def test_a_rate_of_nothing_reads_as_a_dash(county: OrgUnit) -> None:
    summary = build(county, values={**VALUES, "units.home_coverage": None})

    assert "覆盖率—%" in summary.sections[-1].items[0].plain


# --- HTML -----------------------------------------------------------------------------------------


@pytest.mark.urls("jinguo.reports.tests.test_summary")
def test_every_figure_links_to_its_records(county: OrgUnit) -> None:
    html = reports.summary_html(build(county))

    assert f'href="/figures/loans.count/?unit={county.pk}&amp;period=2014"' in html
    assert (
        f'href="/figures/trainings.counted/?unit={county.pk}&amp;period=2014&amp;about=activity%3A7"'
        in html
    )
    assert html.count('class="summary-figure"') == 5
    assert "<h2" in html
    assert "一、" in html


def test_staff_words_are_escaped_never_run(county: OrgUnit) -> None:
    sneaky = [
        para(
            "x",
            Section.CLOSING,
            "<script>alert(1)</script>{{% debug %}}{{{{ settings.SECRET_KEY }}}}",
            heading="<b>结语</b>",
        )
    ]

    html = reports.summary_html(build(county, sneaky))

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;结语&lt;/b&gt;" in html
    # Doubled braces are braces: the text reads as written, nothing is evaluated.
    assert "{% debug %}{{ settings.SECRET_KEY }}" in html


def test_template_tags_in_staff_words_are_refused_not_run(county: OrgUnit) -> None:
    with pytest.raises(ApplicationError) as caught:
        build(county, [para("x", Section.CLOSING, "{% debug %}", heading="结语")])

    assert caught.value.code == "placeholder_invalid"


# --- Word ---------------------------------------------------------------------------------------


def _document(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def test_the_docx_opens_and_states_the_figures_and_their_appendix(county: OrgUnit) -> None:
    summary = build(county)

    document = _document(reports.summary_docx(summary))

    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "2014年奈曼旗妇联工作总结" in text
    assert "一、实施“致富创新建功工程”" in text
    assert "1.强化服务，推进养殖产业化进程。培训妇女196人。" in text
    assert "2.大力争取微贷款项目。争取贴息贷款500万元，扶持84户农村妇女。" in text
    assert "二、夯实妇联组织基础" in text
    assert "{{" not in text
    assert "{%" not in text
    [table] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "指标", "数值", "计量单位", "口径说明"]
    assert rows[1:] == [
        ["1", "标签trainings.counted（十字绣）", "196", "人", "口径trainings.counted"],
        ["2", "标签loans.principal", "5,000,000", "人", "口径loans.principal"],
        ["3", "标签loans.count", "84", "人", "口径loans.count"],
        ["4", "标签units.villages", "355", "人", "口径units.villages"],
        ["5", "标签units.home_coverage", "100.0", "人", "口径units.home_coverage"],
    ]


def test_the_lead_of_an_item_is_bold(county: OrgUnit) -> None:
    document = _document(reports.summary_docx(build(county)))

    [item] = [p for p in document.paragraphs if p.text.startswith("1.强化服务")]
    bold = "".join(run.text for run in item.runs if run.bold)
    assert bold == "1.强化服务，推进养殖产业化进程。"


def test_markup_in_staff_words_stays_text_in_word(county: OrgUnit) -> None:
    sneaky = [para("x", Section.CLOSING, "A & B < C {{ x }}", heading="结语")]

    document = _document(reports.summary_docx(build(county, sneaky)))

    assert any(p.text == "结语。A & B < C { x }" for p in document.paragraphs)


def test_the_shipped_template_is_the_one_the_script_makes(tmp_path: Path, county: OrgUnit) -> None:
    from jinguo.reports import docx_template

    made = docx_template.build(tmp_path / "summary.docx")
    shipped = _document(reports.TEMPLATE.read_bytes())
    fresh = _document(made.read_bytes())

    assert [p.text for p in shipped.paragraphs] == [p.text for p in fresh.paragraphs]
    assert reports.summary_docx(build(county), template=made)


def test_pdf_without_libreoffice_is_refused_with_a_message(
    county: OrgUnit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)

    with pytest.raises(ApplicationError) as caught:
        reports.summary_pdf(build(county))

    assert caught.value.code == "pdf_unavailable"
    assert "LibreOffice" in caught.value.render("en")


@pytest.mark.skipif(not reports.pdf_available(), reason="LibreOffice (soffice) is not installed")
def test_pdf_with_libreoffice(county: OrgUnit) -> None:
    assert reports.summary_pdf(build(county)).startswith(b"%PDF")


# --- snapshots ------------------------------------------------------------------------------------


def test_a_snapshot_freezes_the_figures_and_reads_back_the_same(county: OrgUnit) -> None:
    summary = build(county)

    snapshot = reports.snapshot_create(actor=None, unit=county, year=2014, summary=summary)

    snapshot.refresh_from_db()
    assert snapshot.period == "2014"
    assert snapshot.title == "2014年奈曼旗妇联工作总结"
    assert [f["id"] for f in snapshot.figures] == [f.id for f in summary.figure_list()]
    assert snapshot.figures[1]["value"] == "5000000"
    again = reports.snapshot_summary(snapshot)
    assert reports.summary_html(again) == snapshot.html == reports.summary_html(summary)
    assert AuditEntry.objects.filter(action="summary.snapshot", object_id=str(snapshot.pk)).exists()
    assert reports.snapshot_diff(snapshot, summary).empty


def test_what_changed_since_a_snapshot(county: OrgUnit) -> None:
    old = reports.snapshot_create(actor=None, unit=county, year=2014, summary=build(county))
    changed_words = [
        para(p.key, p.section, p.text.replace("农村妇女", "妇女"), heading=p.heading, kind=p.kind)
        if p.key == "loans"
        else p
        for p in PARAGRAPHS
        if p.key != "trainings"
    ]
    changed_words.append(para("cadres", Section.PROSPERITY, "培训女干部{cadres.count}人。"))
    values = {**VALUES, "loans.count": Decimal(86), "cadres.count": Decimal(93)}

    diff = reports.snapshot_diff(old, build(county, changed_words, values))

    assert [(c.old.id, c.old.text, c.new.text) for c in diff.changed] == [
        ("loans.count", "84", "86")
    ]
    assert [f.id for f in diff.added] == ["cadres.count"]
    assert [f.id for f in diff.removed] == ["trainings.counted|活动=十字绣"]
    assert diff.unchanged == 3
    changes = {change.key: change for change in diff.paragraphs}
    assert set(changes) == {"loans", "cadres", "trainings"}
    assert changes["cadres"].old is None
    assert changes["trainings"].new is None
    assert ("removed", "农村") in changes["loans"].segments()


def test_two_snapshots_compare_too(county: OrgUnit) -> None:
    first = reports.snapshot_create(actor=None, unit=county, year=2014, summary=build(county))
    second = reports.snapshot_create(
        actor=None,
        unit=county,
        year=2014,
        summary=build(county, values={**VALUES, "units.villages": Decimal(356)}),
    )

    diff = reports.snapshot_diff(first, second)

    assert [(c.old.decimal, c.new.decimal) for c in diff.changed] == [(Decimal(355), Decimal(356))]
    assert not diff.paragraphs


def test_a_summary_with_problems_is_not_stored(county: OrgUnit) -> None:
    broken = [para("x", Section.CLOSING, "{nothing.here}", heading="结语")]
    summary = build(county, broken, strict=False)

    with pytest.raises(ApplicationError):
        reports.snapshot_create(actor=None, unit=county, year=2014, summary=summary)

    assert not Snapshot.objects.exists()


# --- the shipped paragraphs and units' copies ---------------------------------------------------


def _keys(texts: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for text in texts:
        found |= {
            ref.key for ref in placeholders.references(placeholders.parse(text, paragraph=""))
        }
    return found


def test_the_shipped_paragraphs_use_every_metric_of_the_catalogue() -> None:
    used = _keys([d.heading for d in defaults.DEFAULTS] + [d.text for d in defaults.DEFAULTS])

    assert used - set(registry.METRICS) == set()
    assert set(registry.METRICS) - used == set()


def test_the_shipped_paragraphs_have_the_seed_structure() -> None:
    sections = {d.section for d in defaults.DEFAULTS if d.kind == ParagraphKind.HEADING}
    assert sections == {
        Section.OPENING,
        Section.PROSPERITY,
        Section.LIVELIHOOD,
        Section.DEVELOPMENT,
        Section.ORGANISATION,
    }
    assert len({d.key for d in defaults.DEFAULTS}) == len(defaults.DEFAULTS)


def test_defaults_are_loaded_on_first_use_and_kept_in_step(tree: Tree) -> None:
    assert reports.paragraphs_for(tree.county)
    assert Paragraph.objects.filter(owner=None).count() == len(defaults.DEFAULTS)
    assert defaults.defaults_sync() == 0  # nothing to do the second time

    Paragraph.objects.filter(key="loans").update(text="旧的文字")
    Paragraph.objects.create(key="retired", section=Section.CLOSING, text="过时")

    assert defaults.defaults_sync() == 2
    assert Paragraph.objects.get(key="loans").text == defaults.DEFAULTS[4].text
    assert not Paragraph.objects.get(key="retired").active


def test_a_copy_applies_to_its_unit_and_below_until_one_has_its_own(
    tree: Tree, county_admin: User
) -> None:
    township, village = tree.townships[0], tree.village(0, 0)
    reports.paragraphs_for(tree.county)
    base = Paragraph.objects.get(key="loans", owner=None)

    services.paragraph_save(
        actor=county_admin,
        unit=tree.county,
        key="loans",
        heading="贷款",
        text="全旗{loans.count}笔。",
        active=True,
        order=20,
        base_id=base.pk,
        base_version=base.version,
    )
    services.paragraph_save(
        actor=county_admin,
        unit=village,
        key="loans",
        heading="贷款",
        text="本村{loans.count}笔。",
        active=True,
        order=20,
        base_id=Paragraph.objects.get(key="loans", owner=tree.county).pk,
        base_version=1,
    )

    def loans_text(unit: OrgUnit) -> str:
        return next(p.text for p in reports.paragraphs_for(unit) if p.key == "loans")

    assert loans_text(tree.county) == loans_text(township) == "全旗{loans.count}笔。"
    assert loans_text(village) == "本村{loans.count}笔。"
    assert loans_text(tree.townships[1]) == "全旗{loans.count}笔。"
    assert AuditEntry.objects.filter(action="summary.paragraph").count() == 2

    services.paragraph_reset(actor=county_admin, unit=village, key="loans")
    assert loans_text(village) == "全旗{loans.count}笔。"


def test_the_edit_refuses_unknown_metrics_names_and_periods(tree: Tree, county_admin: User) -> None:
    reports.paragraphs_for(tree.county)
    base = Paragraph.objects.get(key="loans", owner=None)

    def save(text: str) -> None:
        services.paragraph_save(
            actor=county_admin,
            unit=tree.county,
            key="loans",
            heading="贷款",
            text=text,
            active=True,
            order=20,
            base_id=base.pk,
            base_version=base.version,
        )

    for text, code in [
        ("{loans.housholds}", "placeholder_unknown_metric"),
        ("{loans.count|项目=没有这个项目}", "placeholder_unknown_name"),
        ("{loans.count|活动=十字绣}", "placeholder_not_narrowable"),
        ("{loans.count|期间=去年}", "placeholder_period"),
        ("{loans.count|单位=没有这个村}", "placeholder_unknown_unit"),
        ("{loans.count", "placeholder_invalid"),
    ]:
        with pytest.raises(ApplicationError) as caught:
            save(text)
        assert caught.value.code == code, text
        assert "“贷款”" in caught.value.render("en"), text
    assert not Paragraph.objects.filter(owner=tree.county).exists()


def test_names_are_found_among_the_units_programmes(tree: Tree, county_admin: User) -> None:
    programme_services.programme_create(
        actor=None,
        owner=tree.county,
        name="“三八”节贫困单亲母亲救助",
        work_area="livelihood",
        kind="cash_aid",
        start=dt.date(2014, 1, 1),
    )
    village = tree.village(0, 1)

    refs = reports.paragraph_check(
        village,
        heading="",
        text="{benefits.people|项目=单亲母亲|单位=村1-2}",
        name="p",
        year=2014,
    )

    assert [ref.figure_id for ref in refs] == ["benefits.people|项目=单亲母亲|单位=村1-2"]


def test_an_edit_made_on_an_old_page_is_refused(tree: Tree, county_admin: User) -> None:
    reports.paragraphs_for(tree.county)
    base = Paragraph.objects.get(key="loans", owner=None)
    arguments: dict[str, Any] = {
        "actor": county_admin,
        "unit": tree.county,
        "key": "loans",
        "heading": "贷款",
        "text": "{loans.count}",
        "active": True,
        "order": 20,
        "base_id": base.pk,
        "base_version": base.version,
    }
    services.paragraph_save(**arguments)

    with pytest.raises(ApplicationError) as caught:
        services.paragraph_save(**arguments)

    assert caught.value.code == "edit_conflict"


def test_only_who_approves_at_the_unit_edits_its_words(tree: Tree, township_chair: User) -> None:
    with pytest.raises(PermissionDenied):
        services.paragraph_create(
            actor=township_chair,
            unit=tree.townships[0],
            section=Section.CLOSING,
            heading="结语",
            text="",
            order=10,
        )


# --- the real engine and the command line ------------------------------------------------------


def test_the_shipped_paragraphs_build_for_a_banner_with_no_records(tree: Tree) -> None:
    summary = reports.summary_build(tree.county, 2014)

    assert summary.title == f"2014年{tree.county.name}妇联工作总结"
    assert [s.numeral for s in summary.sections if s.numeral] == ["一", "二", "三", "四"]
    assert {f.key for f in summary.figures.values()} == set(registry.METRICS)
    villages = next(f for f in summary.figures.values() if f.key == "units.villages")
    assert villages.decimal == 4


def test_the_command_writes_a_docx_and_stores_a_snapshot(tree: Tree, tmp_path: Path) -> None:
    out, err = StringIO(), StringIO()
    target = tmp_path / "总结.docx"

    call_command(
        "report",
        "summary",
        "--unit",
        "150525",
        "--year",
        "2014",
        "--format",
        "docx",
        "--output",
        str(target),
        "--snapshot",
        stdout=out,
        stderr=err,
    )

    assert "Running as the system" in err.getvalue()
    assert str(target) in out.getvalue()
    document = _document(target.read_bytes())
    assert document.paragraphs[0].text == f"2014年{tree.county.name}妇联工作总结"
    assert len(document.tables[0].rows) == 1 + len(registry.METRICS)
    assert Snapshot.objects.get().created_by is None


def test_the_command_writes_html(tree: Tree, tmp_path: Path) -> None:
    target = tmp_path / "summary.html"

    call_command(
        "report", "summary", "--unit", "150525", "--year", "2014", "--format", "html",
        "--output", str(target), stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip

    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert 'class="summary-figure"' in page


def test_the_command_says_why_there_is_no_pdf(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)

    with pytest.raises(CommandError, match="LibreOffice"):
        call_command(
            "report", "summary", "--unit", "150525", "--year", "2014", "--format", "pdf",
            "--output", str(tmp_path / "x.pdf"), stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip
    assert not (tmp_path / "x.pdf").exists()


def test_the_command_refuses_an_unknown_unit(db: None) -> None:
    with pytest.raises(CommandError, match="999999"):
        call_command("report", "summary", "--unit", "999999", "--year", "2014")


# --- names, periods and units, read by the engine ----------------------------------------------


def _talk(tree: Tree, title: str, day: dt.date, spending: int) -> None:
    from django.utils import timezone

    from jinguo.activities.services import activity_record

    start = timezone.make_aware(dt.datetime(day.year, day.month, day.day, 9))  # noqa: DTZ001
    activity_record(
        actor=None,
        owner=tree.village(0, 0),
        kind="talk",
        title=title,
        start=start,
        spending=Decimal(spending),
    )


def _figure(summary: reports.Summary, placeholder: str) -> FrozenFigure:
    [ref] = placeholders.parse(placeholder, paragraph="")
    assert isinstance(ref, Reference)
    return summary.figures[ref.figure_id]


def test_a_title_held_every_year_means_the_summarys_year(tree: Tree) -> None:
    _talk(tree, "家庭教育宣讲", dt.date(2013, 5, 1), 100)
    _talk(tree, "家庭教育宣讲", dt.date(2014, 5, 1), 200)
    _talk(tree, "妇女议事会", dt.date(2014, 6, 1), 400)
    words = [
        para(
            "x",
            Section.CLOSING,
            "{activities.spending|活动=家庭教育宣讲}"
            "{activities.spending|活动=家庭教育宣讲|期间=2013}"
            "{activities.spending|单位=镇1}{activities.spending|单位=150525100201}"
            "{activities.spending|单位=镇2}{activities.spending|期间=2014-05-01~}",
            heading="结语",
        )
    ]

    summary = reports.summary_build(tree.county, 2014, paragraphs=words)

    values = [figure.decimal for figure in summary.figure_list()]
    assert values == [
        Decimal(200),
        Decimal(100),
        Decimal(600),
        Decimal(600),
        Decimal(0),
        Decimal(600),
    ]
    narrowed = _figure(summary, "{activities.spending|单位=镇1}")
    assert (narrowed.unit_id, narrowed.unit_name) == (tree.townships[0].pk, "镇1")
    assert _figure(summary, "{activities.spending|期间=2014-05-01~}").period == (
        "2014-05-01~2014-12-31"
    )


def test_a_part_of_a_name_found_twice_is_refused(tree: Tree) -> None:
    _talk(tree, "家庭教育宣讲：好家风", dt.date(2014, 5, 1), 0)
    _talk(tree, "家庭教育宣讲：好习惯", dt.date(2014, 6, 1), 0)
    words = [para("x", Section.CLOSING, "{activities.count|活动=家庭教育宣讲}", heading="结语")]

    with pytest.raises(ApplicationError) as caught:
        reports.summary_build(tree.county, 2014, paragraphs=words)

    assert caught.value.code == "placeholder_ambiguous_name"
    assert "(2 of them)" in caught.value.render("en")


def test_a_village_name_found_in_two_townships_needs_the_township(tree: Tree) -> None:
    from jinguo.orgunits.services import orgunit_create

    for township in tree.townships:
        orgunit_create(
            actor=None,
            parent=township,
            name="红星村",
            kind="village",
            code=f"{township.code}209",
            opened_on=dt.date(2000, 1, 1),
        )

    with pytest.raises(ApplicationError) as caught:
        reports.paragraph_check(
            tree.county, heading="", text="{units.villages|单位=红星村}", name="p", year=2014
        )
    assert caught.value.code == "placeholder_ambiguous_unit"

    [ref] = reports.paragraph_check(
        tree.county, heading="", text="{units.villages|单位=镇2/红星村}", name="p", year=2014
    )
    assert ref.unit == "镇2/红星村"
