"""Make the Word template of the annual summary: ``templates/reports/summary.docx``.

The template is kept in the repository; this script made it and makes it again::

    .venv/bin/python -m jinguo.reports.docx_template [FILE]

Staff may open the file in Word or WPS and change fonts, margins, the header or the words
around the tags; the tags (docxtpl's Jinja: ``{{ title }}``, ``{{r p }}``, ``{%p for … %}``,
``{%tr for f in figures %}``) must stay, each in one paragraph or table row as here. The
layout follows the usual one of official documents (GB/T 9704): A4, a title in 二号 bold
Song, headings of the first level in 黑体, body in 三号 仿宋 with a first-line indent of two
characters and a fixed line spacing of 28 points.

What the template receives (`jinguo.reports.summary.summary_docx`): ``title``, ``unit``,
``period``, ``generated``; ``opening`` (rich paragraphs); ``sections``, each with ``title``
("一、…"), ``intro`` and ``paragraphs`` (rich paragraphs, the lead in bold); ``figures``, each with
``number``, ``label``, ``text`` (the value), ``measure`` and ``definition``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TEMPLATE = Path(__file__).parent / "templates" / "reports" / "summary.docx"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"


def _font(style: Any, name: str, size: float, *, bold: bool = False) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    style.font.bold = bold
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _spacing(style: Any, *, indent: bool) -> None:
    layout = style.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = Pt(28)
    layout.space_before = Pt(0)
    layout.space_after = Pt(0)
    layout.first_line_indent = Pt(32) if indent else None


def build(path: Path = TEMPLATE) -> Path:
    document = Document()
    page = document.sections[0]
    page.orientation = WD_ORIENT.PORTRAIT
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.top_margin, page.bottom_margin = Cm(3.7), Cm(3.5)
    page.left_margin, page.right_margin = Cm(2.8), Cm(2.6)

    styles = document.styles
    _font(styles["Normal"], BODY_FONT, 16)
    _spacing(styles["Normal"], indent=True)
    _font(styles["Title"], TITLE_FONT, 22, bold=True)
    _spacing(styles["Title"], indent=False)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Title"].paragraph_format.space_after = Pt(28)
    _font(styles["Heading 1"], HEADING_FONT, 16)
    _spacing(styles["Heading 1"], indent=True)
    styles["Heading 1"].font.color.rgb = None
    _font(styles["Heading 2"], HEADING_FONT, 16)
    _spacing(styles["Heading 2"], indent=False)
    styles["Heading 2"].font.color.rgb = None

    def tag(text: str) -> None:
        document.add_paragraph(text)

    document.add_paragraph("{{ title }}", style="Title")
    tag("{%p for p in opening %}")
    tag("{{r p }}")
    tag("{%p endfor %}")
    tag("{%p for s in sections %}")
    tag("{%p if s.title %}")
    document.add_paragraph("{{ s.title }}", style="Heading 1")
    tag("{%p endif %}")
    tag("{%p if s.intro %}")
    tag("{{r s.intro }}")
    tag("{%p endif %}")
    tag("{%p for p in s.paragraphs %}")
    tag("{{r p }}")
    tag("{%p endfor %}")
    tag("{%p endfor %}")
    signature = document.add_paragraph("{{ unit }}妇联")
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.paragraph_format.space_before = Pt(28)

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("附：数据说明", style="Heading 2")
    document.add_paragraph(
        "本总结中的数字由巾帼平台根据{{ unit }}及其下属单位登记的记录计算，统计期间为{{ period }}，"
        "生成于{{ generated }}。各数字的指标、数值、计量单位和口径如下表。"
    )
    table = document.add_table(rows=4, cols=5)
    table.style = styles["Table Grid"]
    headers = ("序号", "指标", "数值", "计量单位", "口径说明")
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    table.rows[1].cells[0].text = "{%tr for f in figures %}"
    values = (
        "{{ f.number }}",
        "{{ f.label }}",
        "{{ f.text }}",
        "{{ f.measure }}",
        "{{ f.definition }}",
    )
    for cell, text in zip(table.rows[2].cells, values, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.first_line_indent = Pt(0)
                paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                for run in paragraph.runs:
                    run.font.size = Pt(10.5)
    widths = (Cm(1.2), Cm(4.6), Cm(2.4), Cm(1.8), Cm(5.6))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width

    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE))
