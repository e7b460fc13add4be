"""`jinguo demo` loads Naiman Banner through the services, once, and in one transaction.

The `demo` fixture (conftest.py) loads it once for the package; the first test here needs the
empty database and runs before it.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jinguo.accounts.models import Grant, User
from jinguo.accounts.roles import Role
from jinguo.audit.models import AuditEntry
from jinguo.audit.services import audit_verify
from jinguo.demo import loader, places
from jinguo.demo.loader import DEMO_LOGINS, DEMO_PASSWORD, LoadResult, demo_unit, load_demo
from jinguo.orgunits.access import scope_paths, scoped
from jinguo.orgunits.models import Kind, OrgUnit, OrgUnitVersion, Succession

SEED_PLACES = [
    ("大沁他拉街道", "振兴社区"),
    ("黄花塔拉苏木", "伊拉麻图嘎查"),
    ("大沁他拉镇", "舍力虎村"),
    ("青龙山镇", "下洼村"),
    ("青龙山镇", "西地村"),
    ("青龙山镇", "古庙子村"),
    ("黄花塔拉苏木", "黄花筒嘎查"),
    ("新镇", "小大歹村"),
    ("新镇", "联合村"),
    ("新镇", "北大营子村"),
    ("六号农场",),
    ("白音他拉苏木",),
]
EXPECTED_GRANTS = {
    "admin": (Role.COUNTY_ADMIN, ()),
    "staff": (Role.COUNTY_STAFF, ()),
    "chair": (Role.TOWNSHIP_CHAIR, ("大沁他拉镇",)),
    "director": (Role.VILLAGE_DIRECTOR, ("大沁他拉镇", "舍力虎村")),
    "reporter": (Role.MEMBER_REPORTER, ("旗卫生和计划生育局",)),
    "health": (Role.HEALTH_WORKER, ("奈曼旗妇幼保健所",)),
    "auditor": (Role.AUDITOR, ()),
}


# First in the package: it needs an empty database, before the `demo` fixture has loaded.
@pytest.mark.django_db
def test_a_failed_load_leaves_nothing_behind() -> None:
    assert not OrgUnit.objects.exists(), "run before the module-scoped demo fixture"
    # Ctrl-C half-way through: the areas and organisations are in, the Women's Homes are not.
    with (
        mock.patch.object(loader, "_create_womens_home", side_effect=KeyboardInterrupt),
        pytest.raises(KeyboardInterrupt),
    ):
        load_demo()
    assert not OrgUnit.objects.exists()
    assert not AuditEntry.objects.exists()

    # A taken demo username fails the load cleanly, with nothing written.
    User.objects.create_user(username="director", password=DEMO_PASSWORD)
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("demo", stdout=StringIO())
    assert not OrgUnit.objects.exists()


def _open(banner: OrgUnit, *kinds: str) -> int:
    return OrgUnit.objects.subtree(banner).filter(kind__in=kinds, closed_on__isnull=True).count()


def test_the_load_reports_what_it_did(demo: LoadResult, banner: OrgUnit) -> None:
    assert demo.loaded
    assert demo.users == len(Role.values) == 7
    assert demo.units == OrgUnit.objects.count()
    assert demo.closed == ("白音昌乡", "白音昌乡妇联")
    assert demo.open_by_kind[Kind.WOMENS_HOME] == 427


def test_village_level_counts_match_the_2014_summary(banner: OrgUnit) -> None:
    assert _open(banner, Kind.GACHA, Kind.VILLAGE) == 355
    assert _open(banner, Kind.COMMUNITY) == 11
    assert _open(banner, Kind.GACHA) == places.village_level_counts()["gacha"]


def test_townships_and_federations(banner: OrgUnit) -> None:
    townships = OrgUnit.objects.filter(parent=banner, kind__in=places.TOWNSHIP_LEVEL_KINDS)
    assert townships.count() == len(places.TOWNSHIPS) == 17
    assert townships.filter(closed_on__isnull=True).count() == 16
    for township in townships.filter(closed_on__isnull=True):
        assert township.code == places.township_named(township.name).code
        assert len(township.code) == 9
        assert township.children.get(kind=Kind.FEDERATION).name == f"{township.name}妇联"
    assert banner.children.get(kind=Kind.FEDERATION).name == "奈曼旗妇女联合会"
    assert _open(banner, Kind.FEDERATION) == 17


def test_every_village_has_its_code_kind_and_one_womens_home(banner: OrgUnit) -> None:
    villages = {
        unit.code: unit
        for unit in OrgUnit.objects.filter(kind__in=places.VILLAGE_LEVEL_KINDS).prefetch_related(
            "children"
        )
    }
    assert len(villages) == 366
    for _, village in places.all_villages():
        unit = villages[village.code]
        assert (unit.name, unit.kind) == (village.name, village.kind)
        [home] = [child for child in unit.children.all() if child.kind == Kind.WOMENS_HOME]
        assert home.name == f"{village.name}妇女之家"
        assert dt.date(2012, 1, 1) <= home.opened_on <= dt.date(2014, 12, 31)
    assert OrgUnit.objects.get(name="舍力虎村妇女之家").parent == villages["150525100221"]


def test_organisations_and_their_womens_homes(banner: OrgUnit) -> None:
    for kind, count in places.org_counts().items():
        assert _open(banner, kind) == count, kind
    assert _open(banner, Kind.WOMENS_HOME) == 366 + 61 == 427
    for org in places.orgs_of_kind("two_new_org"):
        unit = OrgUnit.objects.get(name=org.name)
        assert unit.parent is not None
        assert unit.parent.code == org.area_code
        [home] = unit.children.all()
        assert (home.kind, home.name) == (Kind.WOMENS_HOME, f"{org.name}妇女之家")
        assert home.opened_on >= unit.opened_on
    school = OrgUnit.objects.get(name="大沁他拉镇第四小学")
    assert "大镇四小" in school.note
    assert "市级" in OrgUnit.objects.get(name="旗法院立案大厅").note


def test_seed_named_places_exist(banner: OrgUnit) -> None:
    for names in SEED_PLACES:
        assert demo_unit(names).is_open(dt.date(2014, 12, 31)), names


def test_baiyinchang_merged_into_xinzhen_in_2006(banner: OrgUnit) -> None:
    old = OrgUnit.objects.get(name="白音昌乡")
    new = OrgUnit.objects.get(name="新镇", closed_on__isnull=True)
    assert old.closed_on == dt.date(2006, 4, 1)
    assert Succession.objects.filter(predecessor=old, successor=new, kind="merge").exists()
    village = demo_unit(["新镇", "白音昌村"])
    assert [(v.parent_id, v.valid_from, v.valid_to) for v in village.versions.all()] == [
        (old.pk, dt.date(1999, 10, 1), dt.date(2006, 4, 1)),
        (new.pk, dt.date(2006, 4, 1), None),
    ]
    # The merged villages stay open: 新镇 has its own 22 and 白音昌乡's 15.
    assert new.children.filter(kind__in=places.VILLAGE_LEVEL_KINDS).count() == 22 + 15


def test_history_and_audit_are_real(demo: LoadResult, banner: OrgUnit) -> None:
    units = OrgUnit.objects.count()
    assert OrgUnitVersion.objects.filter(valid_to__isnull=True).count() == units
    early = [
        v.unit.name
        for v in OrgUnitVersion.objects.select_related("unit")
        if v.valid_from < v.unit.opened_on
    ]
    assert early == []
    assert AuditEntry.objects.filter(action="orgunit.create").count() == units
    assert AuditEntry.objects.filter(action="orgunit.merge").count() == 2
    assert AuditEntry.objects.filter(action="user.create").count() == 7
    assert AuditEntry.objects.count() == demo.audit_entries
    assert audit_verify().ok


def test_one_user_per_role_with_the_expected_grant(banner: OrgUnit) -> None:
    assert {login.username for login in DEMO_LOGINS} == set(EXPECTED_GRANTS)
    for username, (role, names) in EXPECTED_GRANTS.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert not user.must_change_password
        [grant] = Grant.objects.active().filter(user=user)
        assert (grant.role, grant.unit) == (role, demo_unit(names))
    assert sorted(Grant.objects.values_list("role", flat=True)) == sorted(Role.values)
    assert demo_unit(EXPECTED_GRANTS["director"][1]).kind == Kind.VILLAGE
    assert demo_unit(EXPECTED_GRANTS["health"][1]).kind == Kind.CLINIC
    assert demo_unit(EXPECTED_GRANTS["reporter"][1]).kind == Kind.MEMBER_UNIT


def test_scopes_of_the_director_and_the_county_admin(banner: OrgUnit) -> None:
    village = demo_unit(["大沁他拉镇", "舍力虎村"])
    director = User.objects.get(username="director")
    assert scope_paths(director) == [village.path]
    assert set(scoped(director, OrgUnit.objects.all()).values_list("name", flat=True)) == {
        "舍力虎村",
        "舍力虎村妇女之家",
    }
    admin = User.objects.get(username="admin")
    assert scope_paths(admin) == [banner.path]
    assert scoped(admin, OrgUnit.objects.all()).count() == OrgUnit.objects.count()


def test_running_twice_changes_nothing(banner: OrgUnit) -> None:
    def counts() -> list[int]:
        models = [OrgUnit, OrgUnitVersion, Succession, User, Grant, AuditEntry]
        return [model.objects.count() for model in models]  # type: ignore[attr-defined]

    before = counts()
    assert load_demo() == LoadResult(loaded=False)
    out = StringIO()
    call_command("demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert counts() == before


def test_logins_prints_the_table_only(banner: OrgUnit) -> None:
    out = StringIO()
    call_command("demo", "--logins", stdout=out)
    text = out.getvalue()
    for login in DEMO_LOGINS:
        line = next(line for line in text.splitlines() if f" {login.username} " in line)
        assert login.role_zh in line
        assert login.role_en in line
        assert DEMO_PASSWORD in line
        assert line.endswith(login.home)
    assert "大沁他拉镇舍力虎村" in text
    assert "Loaded" not in text
