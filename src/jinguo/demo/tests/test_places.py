"""The demo places of Naiman Banner agree with the 2014 work summary and the code rules."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from jinguo.demo.places import (
    AREA_KINDS,
    CIVILISED_POST_LEVELS,
    COUNTY,
    ORG_KINDS,
    ORGANISATIONS,
    TOWNSHIP_LEVEL_KINDS,
    TOWNSHIPS,
    TWO_NEW_ORG_SUBKINDS,
    VILLAGE_LEVEL_KINDS,
    VOLUNTEER_TEAM_SUBKINDS,
    Area,
    Township,
    all_areas,
    all_villages,
    area_by_code,
    community_count,
    gacha_and_village_count,
    org_counts,
    orgs_of_kind,
    township_named,
    village_level_counts,
    village_named,
)

TOWNSHIPS_OF_2014 = {
    "大沁他拉镇": "town",
    "八仙筒镇": "town",
    "青龙山镇": "town",
    "东明镇": "town",
    "治安镇": "town",
    "沙日浩来镇": "town",
    "义隆永镇": "town",
    "新镇": "town",
    "土城子乡": "township",
    "白音昌乡": "township",
    "苇莲苏乡": "township",
    "固日班花苏木": "sumu",
    "明仁苏木": "sumu",
    "黄花塔拉苏木": "sumu",
    "白音他拉苏木": "sumu",
    "大沁他拉街道": "subdistrict",
    "六号农场": "farm",
}

DAQINTALA_TOWN_VILLAGES = (
    "包日呼吉尔嘎查",
    "敖包代嘎查",
    "花木代嘎查",
    "吉格斯台嘎查",
    "常胜村",
    "西湖村",
    "北老柜村",
    "鄂布根包冷村",
    "沙日塘村",
    "哈沙图村",
    "古柳村",
    "昂乃村",
    "奈林塔拉嘎查",
    "尧勒甸子村",
    "淖尔图浩来嘎查",
    "双合村",
    "光明村",
    "先锋村",
    "沙日勒吉台村",
    "孟和嘎查",
    "舍力虎村",
    "护桥村",
    "道劳代村",
    "红星村",
    "西甸子村",
    "桥东村",
    "东毛盖图嘎查",
    "西毛盖图村",
    "福兴地村",
    "兴隆庄村",
    "兴隆地村",
    "太平村",
    "刘家堡村",
    "德隆地村",
    "胜利村",
    "嘎海花嘎查",
    "朝阳古鲁村",
    "瑙棍塔拉嘎查",
    "海拉苏嘎查",
    "哈沙图嘎查",
    "富康村",
    "章古台嘎查",
    "英特嘎查",
    "和平村",
)

# Places the 2014 work summary names, with the township each lies in.
SEED_PLACES = [
    ("大沁他拉街道", "振兴社区", "community"),
    ("黄花塔拉苏木", "伊拉麻图嘎查", "gacha"),
    ("大沁他拉镇", "舍力虎村", "village"),
    ("青龙山镇", "下洼村", "village"),
    ("青龙山镇", "西地村", "village"),
    ("青龙山镇", "古庙子村", "village"),
    ("黄花塔拉苏木", "黄花筒嘎查", "gacha"),
    ("新镇", "小大歹村", "village"),
    ("新镇", "联合村", "village"),
    ("新镇", "北大营子村", "village"),
]

NAME_SUFFIX = {"gacha": "嘎查", "community": "社区"}


def _number(area: Area) -> int:
    """The last three digits of a township or village code: its number inside its parent."""
    return int(area.code[-3:])


# --- The totals of the 2014 summary ------------------------------------------------------


def test_there_are_355_gacha_and_villages() -> None:
    assert gacha_and_village_count() == 355
    assert sum(1 for _, v in all_villages() if v.kind in {"gacha", "village"}) == 355


def test_there_are_11_communities() -> None:
    assert community_count() == 11
    assert village_level_counts()["community"] == 11


def test_there_are_61_two_new_organisations_56_enterprises_and_5_intermediaries() -> None:
    assert len(orgs_of_kind("two_new_org")) == 61
    assert len(orgs_of_kind("two_new_org", "enterprise")) == 56
    assert len(orgs_of_kind("two_new_org", "intermediary")) == 5
    assert org_counts()["two_new_org"] == 61


def test_women_homes_total_427() -> None:
    assert gacha_and_village_count() + community_count() + len(orgs_of_kind("two_new_org")) == 427


# --- The tree ----------------------------------------------------------------------------


def test_county_is_naiman_banner() -> None:
    assert COUNTY.code == "150525"
    assert COUNTY.name == "奈曼旗"
    assert COUNTY.kind == "banner"


def test_township_level_units_are_those_of_2014() -> None:
    assert {t.name: t.kind for t in TOWNSHIPS} == TOWNSHIPS_OF_2014


def test_daqintala_town_holds_its_published_villages() -> None:
    names = [v.name for v in township_named("大沁他拉镇").villages]
    assert set(DAQINTALA_TOWN_VILLAGES) <= set(names)


@pytest.mark.parametrize(("township", "name", "kind"), SEED_PLACES)
def test_seed_places_exist_in_their_township(township: str, name: str, kind: str) -> None:
    assert village_named(township, name).kind == kind


def test_an_unknown_place_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        village_named("新镇", "舍力虎村")
    with pytest.raises(KeyError):
        township_named("平安地镇")


def test_communities_lie_mostly_in_the_subdistrict() -> None:
    street = township_named("大沁他拉街道")
    in_street = sum(1 for v in street.villages if v.kind == "community")
    assert in_street > community_count() / 2
    assert all(v.kind == "community" for v in street.villages)


def test_each_township_holds_a_plausible_number_of_villages() -> None:
    for township in TOWNSHIPS:
        rural = [v for v in township.villages if v.kind != "community"]
        if township.kind in {"town", "township", "sumu"}:
            assert 15 <= len(rural) <= 45, township.name
        elif township.kind == "farm":
            assert 1 <= len(rural) <= 10, township.name


def test_sumu_are_mostly_gacha_and_towns_mostly_villages() -> None:
    for township in TOWNSHIPS:
        kinds = Counter(v.kind for v in township.villages)
        if township.kind == "sumu":
            assert kinds["gacha"] > kinds["village"], township.name
        if township.kind == "town":
            assert kinds["village"] > kinds["gacha"], township.name


def test_no_duplicate_name_within_a_township() -> None:
    for township in TOWNSHIPS:
        names = [v.name for v in township.villages]
        duplicates = [name for name, n in Counter(names).items() if n > 1]
        assert not duplicates, f"{township.name}: {duplicates}"
    assert len({t.name for t in TOWNSHIPS}) == len(TOWNSHIPS)


def test_village_kind_matches_its_name() -> None:
    for township, village in all_villages():
        assert village.kind in VILLAGE_LEVEL_KINDS
        suffix = NAME_SUFFIX.get(village.kind)
        if suffix is not None:
            assert village.name.endswith(suffix), (township.name, village)
        else:
            assert village.name.endswith(("村", "分场")), (township.name, village)
            assert not village.name.endswith(("嘎查", "社区")), (township.name, village)


def test_all_villages_pairs_each_unit_with_its_township() -> None:
    pairs = all_villages()
    assert len(pairs) == 366
    for township, village in pairs:
        assert isinstance(township, Township)
        assert village in township.villages


# --- Codes -------------------------------------------------------------------------------


def test_codes_are_unique() -> None:
    codes = [area.code for area in all_areas()]
    assert len(codes) == len(set(codes)) == 1 + len(TOWNSHIPS) + 366


def test_codes_are_well_formed_and_extend_the_parent_code() -> None:
    assert re.fullmatch(r"\d{6}", COUNTY.code)
    for township in TOWNSHIPS:
        assert township.kind in TOWNSHIP_LEVEL_KINDS
        assert re.fullmatch(r"\d{9}", township.code), township
        assert township.code.startswith(COUNTY.code)
        for village in township.villages:
            assert re.fullmatch(r"\d{12}", village.code), village
            assert village.code.startswith(township.code), village
            assert village.division_code == village.code
        assert township.area.division_code == township.code + "000"


@pytest.mark.parametrize(
    ("kind", "low", "high"),
    [
        ("subdistrict", 1, 99),
        ("town", 100, 199),
        ("township", 200, 399),
        ("sumu", 200, 399),
        ("farm", 400, 499),
    ],
)
def test_township_numbers_follow_the_statistical_convention(kind: str, low: int, high: int) -> None:
    townships = [t for t in TOWNSHIPS if t.kind == kind]
    assert townships
    for township in townships:
        assert low <= _number(township.area) <= high, township.name


def test_village_numbers_follow_the_statistical_convention() -> None:
    for _, village in all_villages():
        if village.kind == "community":
            assert 1 <= _number(village) <= 199, village
        else:
            assert 200 <= _number(village) <= 399, village


def test_known_township_codes() -> None:
    assert township_named("大沁他拉镇").code == "150525100"
    assert township_named("八仙筒镇").code == "150525101"
    assert township_named("大沁他拉街道").code == "150525001"
    assert village_named("大沁他拉街道", "振兴社区").code == "150525001001"


def test_codes_increase_within_a_township_and_across_townships() -> None:
    township_codes = [t.code for t in TOWNSHIPS]
    assert township_codes == sorted(township_codes)
    for township in TOWNSHIPS:
        codes = [v.code for v in township.villages]
        assert codes == sorted(codes), township.name


def test_area_kinds_are_known() -> None:
    assert all(area.kind in AREA_KINDS for area in all_areas())


# --- Organisations -----------------------------------------------------------------------


def test_every_org_hangs_under_an_existing_area() -> None:
    areas = area_by_code()
    for org in ORGANISATIONS:
        assert org.area_code in areas, org


def test_org_names_are_unique() -> None:
    names = [org.name for org in ORGANISATIONS]
    assert [name for name, n in Counter(names).items() if n > 1] == []


def test_org_kinds_subkinds_and_levels_are_known() -> None:
    subkinds = {"two_new_org": TWO_NEW_ORG_SUBKINDS, "volunteer_team": VOLUNTEER_TEAM_SUBKINDS}
    for org in ORGANISATIONS:
        assert org.kind in ORG_KINDS, org
        if org.kind in subkinds:
            assert org.subkind in subkinds[org.kind], org
        else:
            assert org.subkind is None, org
        if org.kind == "civilised_post":
            assert org.level in CIVILISED_POST_LEVELS, org
        else:
            assert org.level is None, org


def test_two_new_organisations_are_mostly_in_the_banner_seat() -> None:
    seat = {township_named("大沁他拉镇").code, township_named("大沁他拉街道").code}
    orgs = orgs_of_kind("two_new_org")
    assert sum(1 for org in orgs if org.area_code in seat) > len(orgs) / 2
    assert len({org.area_code for org in orgs}) > 3


def test_fourth_primary_school_is_the_childrens_home_in_daqintala_town() -> None:
    (school,) = [org for org in orgs_of_kind("school") if "大镇四小" in org.aliases]
    assert school.name == "大沁他拉镇第四小学"
    assert school.area_code == township_named("大沁他拉镇").code
    assert len(orgs_of_kind("school")) > 1


def test_the_two_kindergartens_of_the_summary() -> None:
    by_alias = {alias: org.name for org in orgs_of_kind("kindergarten") for alias in org.aliases}
    assert by_alias == {"蒙幼": "奈曼旗蒙古族幼儿园", "大幼": "奈曼旗大沁他拉镇幼儿园"}


def test_clinics_and_member_units_are_at_county_level() -> None:
    clinics = {org.name for org in orgs_of_kind("clinic")}
    assert clinics >= {"奈曼旗妇幼保健所", "奈曼旗疾病预防控制中心", "奈曼旗医院"}
    assert all(org.area_code == "150525" for org in orgs_of_kind("clinic"))
    members = orgs_of_kind("member_unit")
    assert 20 <= len(members) <= 30
    assert all(org.area_code == "150525" for org in members)
    assert {"旗教育局", "旗卫生和计划生育局", "旗民政局", "旗统计局", "旗残联", "团旗委"} <= {
        org.name for org in members
    }


def test_a_domestic_service_centre_and_one_workstation_per_township() -> None:
    stations = orgs_of_kind("service_station")
    centres = [org for org in stations if org.area_code == "150525"]
    workstations = [org for org in stations if org.area_code != "150525"]
    assert len(centres) == 1
    assert len(workstations) == 14
    assert len({org.area_code for org in workstations}) == 14
    for org in workstations:
        township = area_by_code()[org.area_code]
        assert township.kind in {"town", "township", "sumu"}
        assert org.name == f"{township.name}巾帼家政服务工作站"


def test_fifteen_volunteer_teams_of_the_four_types() -> None:
    teams = orgs_of_kind("volunteer_team")
    assert len(teams) == 15
    assert {org.subkind for org in teams} == set(VOLUNTEER_TEAM_SUBKINDS)
    assert {"振兴社区巾帼志愿者服务队", "旗妇幼保健所巾帼服务队", "“春之声”女子艺术团"} <= {
        org.name for org in teams
    }
    (zhenxing,) = [org for org in teams if org.name == "振兴社区巾帼志愿者服务队"]
    assert zhenxing.area_code == village_named("大沁他拉街道", "振兴社区").code


def test_civilised_posts_enough_for_25_post_village_pairs() -> None:
    posts = orgs_of_kind("civilised_post")
    assert len(posts) >= 25
    national = [org.name for org in posts if org.level == "national"]
    assert national == ["旗国税局服务大厅"]
    names = " ".join(org.name for org in posts)
    for word in ("旗农电局", "旗医院", "疾控中心"):
        assert word in names
