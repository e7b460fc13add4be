"""Nationalities and their GB/T 3304-1991 codes."""

from __future__ import annotations

import pytest
from django.utils import translation

from jinguo.people import ethnicity
from jinguo.people.ethnicity import ETHNICITIES, by_code, by_name, choices


def test_56_nationalities_and_two_more_with_unique_codes_and_names() -> None:
    assert len(ETHNICITIES) == 58
    codes = [e.code for e in ETHNICITIES]
    assert codes == [f"{n:02d}" for n in range(1, 57)] + ["97", "98"]
    assert len({e.name_zh for e in ETHNICITIES}) == 58
    assert len({e.name_en for e in ETHNICITIES}) == 58
    assert all(e.name_zh.endswith("族") for e in ETHNICITIES[:56])
    assert (ETHNICITIES[-2].name_zh, ETHNICITIES[-1].name_zh) == ("其他", "外国血统中国籍人士")


@pytest.mark.parametrize(
    ("code", "name_zh", "name_en"),
    [
        ("01", "汉族", "Han"),
        ("02", "蒙古族", "Mongol"),
        ("03", "回族", "Hui"),
        ("04", "藏族", "Tibetan"),
        ("05", "维吾尔族", "Uygur"),
        ("09", "布依族", "Bouyei"),
        ("10", "朝鲜族", "Korean"),
        ("11", "满族", "Manchu"),
        ("15", "土家族", "Tujia"),
        ("30", "土族", "Tu"),
        ("31", "达斡尔族", "Daur"),
        ("45", "鄂温克族", "Ewenki"),
        ("52", "鄂伦春族", "Oroqen"),
        ("56", "基诺族", "Jino"),
    ],
)
def test_codes_and_names(code: str, name_zh: str, name_en: str) -> None:
    found = by_code(code)
    assert found is not None
    assert (found.name_zh, found.name_en) == (name_zh, name_en)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("蒙古族", "02"),
        ("蒙古", "02"),
        (" 蒙古族 ", "02"),
        ("汉族", "01"),
        ("汉", "01"),
        ("满族", "11"),
        ("回", "03"),
        ("朝鲜族", "10"),
        ("土家", "15"),
        ("土", "30"),
        ("其他", "97"),
        ("外国血统中国籍人士", "98"),
        ("毛难族", "36"),
        ("崩龙族", "46"),
    ],
)
def test_by_name_with_or_without_the_trailing_zu(name: str, code: str) -> None:
    found = by_name(name)
    assert found is not None
    assert found.code == code


@pytest.mark.parametrize("name", ["蒙", "蒙族", "Mongol", "", "其他族", "汉族人"])
def test_by_name_is_otherwise_exact(name: str) -> None:
    assert by_name(name) is None


def test_unknown_code() -> None:
    assert by_code("57") is None
    assert by_code("99") is None


def test_choices_in_each_language() -> None:
    assert choices("zh-hans")[:3] == [("01", "汉族"), ("02", "蒙古族"), ("03", "回族")]
    assert choices("en")[:3] == [("01", "Han"), ("02", "Mongol"), ("03", "Hui")]
    assert len(choices("en")) == 58
    with translation.override("en"):
        assert choices()[1] == ("02", "Mongol")
    with translation.override("zh-hans"):
        assert choices()[1] == ("02", "蒙古族")


def test_the_module_exposes_no_mutable_registry() -> None:
    assert isinstance(ethnicity.ETHNICITIES, tuple)
