"""The Chinese catalogue is complete, and the pages follow the language the user chooses."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinguo.accounts.roles import Role
from jinguo.orgunits.models import Kind
from jinguo.web.navigation import WORK_AREAS

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
ZH_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (\".*\")$")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def read_po(path: Path) -> list[Entry]:
    """A small reader for the subset of the .po format that makemessages writes."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry = Entry()
        target: tuple[str, int] | None = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
                continue
            if line.startswith("#"):
                continue
            keyword = re.match(
                r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (\".*\")$", line
            )
            if keyword:
                name, index, text = keyword.group(1), keyword.group(2), keyword.group(3)
                target = ("msgstr", int(index or 0)) if name.startswith("msgstr") else (name, 0)
            elif line.startswith('"') and target is not None:
                text = line
            else:
                continue
            assert target is not None
            value = json.loads(text)
            name, index = target
            if name == "msgstr":
                entry.msgstrs[index] = entry.msgstrs.get(index, "") + value
            elif name == "msgid":
                entry.msgid += value
            else:
                setattr(entry, name, (getattr(entry, name) or "") + value)
        if entry.msgstrs:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    entries = read_po(ZH_PO)
    assert entries[0].msgid == "", "the catalogue starts with its header"
    return entries


def test_the_header_is_final_and_declares_chinese_plurals(catalogue: list[Entry]) -> None:
    header = catalogue[0]
    assert "fuzzy" not in header.flags
    assert "Language: zh_Hans" in header.msgstrs[0]
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstrs[0]


def test_every_message_is_translated_and_none_is_fuzzy(catalogue: list[Entry]) -> None:
    messages = catalogue[1:]
    assert len(messages) > 200
    untranslated = [e.msgid for e in messages if not all(e.msgstrs.values())]
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_every_placeholder(catalogue: list[Entry]) -> None:
    wrong = [
        (e.msgid, text)
        for e in catalogue[1:]
        for text in e.msgstrs.values()
        if sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert wrong == []


def test_every_template_string_is_in_the_catalogue(catalogue: list[Entry]) -> None:
    """A string added to a template without running `make messages` is caught here."""
    known = {e.msgid for e in catalogue}
    simple = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
    missing = []
    for template in TEMPLATES_DIR.rglob("*.html"):
        for match in simple.finditer(template.read_text(encoding="utf-8")):
            if match.group(2) not in known:
                missing.append((template.name, match.group(2)))
    assert missing == []


def test_the_domain_vocabulary_is_chinese() -> None:
    with translation.override("zh-hans"):
        assert [str(area.label) for area in WORK_AREAS] == [
            "致富创新建功",
            "妇女儿童民生",
            "女性素质提升",
            "组织建设",
        ]
        labels = {str(label) for _value, label in Kind.choices}
        assert {
            "嘎查",
            "苏木",
            "旗",
            "妇女之家",
            "两新组织",
            "巾帼文明岗",
            "妇儿工委成员单位",
        } <= labels
        assert {"家政服务站", "志愿服务队"} <= labels
        for _value, label in [*Kind.choices, *Role.choices]:
            assert CJK.search(str(label)), label


@pytest.mark.django_db
def test_the_login_page_is_chinese_by_default_and_english_on_request() -> None:
    client = Client()
    login = reverse("login")

    chinese = client.get(login).content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert "登录" in chinese

    response = client.post(reverse("set_language"), {"language": "en", "next": login}, follow=True)
    english = response.content.decode()
    assert response.redirect_chain[-1][0] == login
    assert '<html lang="en">' in english
    assert "Sign in" in english
    assert "登录" not in english

    client.post(reverse("set_language"), {"language": "zh-hans", "next": login})
    assert "登录" in client.get(login).content.decode()
