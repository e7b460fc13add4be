"""Nationalities (民族) with their GB/T 3304-1991 numeric codes.

The 56 nationalities in the standard's order ("01" 汉族 … "56" 基诺族), then "97" 其他 (people
of a group not yet identified, 未识别民族) and "98" 外国血统中国籍人士 (Chinese citizens of
foreign origin). Chinese names are the standard's; English names are the ones in common
official use (China Statistical Yearbook), not the standard's romanisation (Buyei, Chosen,
Man …).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation


@dataclass(frozen=True, slots=True)
class Ethnicity:
    code: str
    name_zh: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_zh if language.lower().startswith("zh") else self.name_en


ETHNICITIES: tuple[Ethnicity, ...] = tuple(
    Ethnicity(code, name_zh, name_en)
    for code, name_zh, name_en in [
        ("01", "汉族", "Han"),
        ("02", "蒙古族", "Mongol"),
        ("03", "回族", "Hui"),
        ("04", "藏族", "Tibetan"),
        ("05", "维吾尔族", "Uygur"),
        ("06", "苗族", "Miao"),
        ("07", "彝族", "Yi"),
        ("08", "壮族", "Zhuang"),
        ("09", "布依族", "Bouyei"),
        ("10", "朝鲜族", "Korean"),
        ("11", "满族", "Manchu"),
        ("12", "侗族", "Dong"),
        ("13", "瑶族", "Yao"),
        ("14", "白族", "Bai"),
        ("15", "土家族", "Tujia"),
        ("16", "哈尼族", "Hani"),
        ("17", "哈萨克族", "Kazak"),
        ("18", "傣族", "Dai"),
        ("19", "黎族", "Li"),
        ("20", "傈僳族", "Lisu"),
        ("21", "佤族", "Va"),
        ("22", "畲族", "She"),
        ("23", "高山族", "Gaoshan"),
        ("24", "拉祜族", "Lahu"),
        ("25", "水族", "Shui"),
        ("26", "东乡族", "Dongxiang"),
        ("27", "纳西族", "Naxi"),
        ("28", "景颇族", "Jingpo"),
        ("29", "柯尔克孜族", "Kirgiz"),
        ("30", "土族", "Tu"),
        ("31", "达斡尔族", "Daur"),
        ("32", "仫佬族", "Mulam"),
        ("33", "羌族", "Qiang"),
        ("34", "布朗族", "Blang"),
        ("35", "撒拉族", "Salar"),
        ("36", "毛南族", "Maonan"),
        ("37", "仡佬族", "Gelao"),
        ("38", "锡伯族", "Xibe"),
        ("39", "阿昌族", "Achang"),
        ("40", "普米族", "Pumi"),
        ("41", "塔吉克族", "Tajik"),
        ("42", "怒族", "Nu"),
        ("43", "乌孜别克族", "Uzbek"),
        ("44", "俄罗斯族", "Russian"),
        ("45", "鄂温克族", "Ewenki"),
        ("46", "德昂族", "De'ang"),
        ("47", "保安族", "Bonan"),
        ("48", "裕固族", "Yugur"),
        ("49", "京族", "Gin"),
        ("50", "塔塔尔族", "Tatar"),
        ("51", "独龙族", "Derung"),
        ("52", "鄂伦春族", "Oroqen"),
        ("53", "赫哲族", "Hezhen"),
        ("54", "门巴族", "Monba"),
        ("55", "珞巴族", "Lhoba"),
        ("56", "基诺族", "Jino"),
        ("97", "其他", "Other (unidentified)"),
        ("98", "外国血统中国籍人士", "Chinese citizen of foreign origin"),
    ]
)

_BY_CODE = {e.code: e for e in ETHNICITIES}
_BY_NAME = {e.name_zh: e for e in ETHNICITIES} | {
    e.name_zh.removesuffix("族"): e for e in ETHNICITIES if e.name_zh.endswith("族")
}
# Names in force before the renaming (毛难族 → 毛南族 in 1986, 崩龙族 → 德昂族 in 1985), which
# old registers and spreadsheets still use.
_BY_NAME |= {"毛难族": _BY_CODE["36"], "毛难": _BY_CODE["36"]}
_BY_NAME |= {"崩龙族": _BY_CODE["46"], "崩龙": _BY_CODE["46"]}


def by_code(code: str) -> Ethnicity | None:
    return _BY_CODE.get(code.strip())


def by_name(name: str) -> Ethnicity | None:
    """The nationality with this Chinese name, with or without the trailing 族 ("蒙古族", "蒙古").

    Exact otherwise: "蒙" finds nothing. Surrounding white space is ignored.
    """
    return _BY_NAME.get(name.strip())


def choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs in code order, for a form field; names in `language`.

    Chinese for any "zh…" language, English otherwise; the active language by default.
    """
    language = language or translation.get_language() or "zh-hans"
    return [(e.code, e.name(language)) for e in ETHNICITIES]
