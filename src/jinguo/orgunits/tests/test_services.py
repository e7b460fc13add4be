"""Writes to the organisation tree: codes, names, placement, history, scope and atomicity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from jinguo.accounts.roles import Role
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.orgunits import services
from jinguo.orgunits.models import Kind, OrgUnit, OrgUnitVersion, Succession
from jinguo.orgunits.services import (
    NewPart,
    orgunit_close,
    orgunit_create,
    orgunit_merge,
    orgunit_move,
    orgunit_rename,
    orgunit_split,
)
from jinguo.testing import OPENED, Tree, build_tree, make_user

pytestmark = pytest.mark.django_db

Y2014 = dt.date(2014, 6, 1)
Y2015 = dt.date(2015, 1, 1)
Y2016 = dt.date(2016, 6, 1)


def written() -> tuple[int, int, int, int]:
    """Rows a tree write can leave behind; equal before and after means nothing was written."""
    return (
        OrgUnit.objects.count(),
        OrgUnitVersion.objects.count(),
        Succession.objects.count(),
        AuditEntry.objects.count(),
    )


def fresh(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(pk=unit.pk)


def add_org(parent: OrgUnit, kind: str = Kind.WOMENS_HOME, name: str = "妇女之家") -> OrgUnit:
    return orgunit_create(actor=None, parent=parent, name=name, kind=kind, opened_on=OPENED)


def add_village(tree: Tree, township: int, code_suffix: str, name: str) -> OrgUnit:
    parent = tree.townships[township]
    return orgunit_create(
        actor=None,
        parent=parent,
        name=name,
        kind=Kind.VILLAGE,
        code=f"{parent.code}{code_suffix}",
        opened_on=OPENED,
    )


# --- creating areas: division codes ---------------------------------------------------------------


def test_village_with_a_valid_division_code_is_created_under_its_township(tree: Tree) -> None:
    township = tree.townships[0]

    village = add_village(tree, 0, "203", "新村")

    assert village.code == "150525100203"
    assert village.division_code == "150525100203"
    assert village.parent == township
    assert village.path == f"{township.path}{village.pk}/"
    assert village.depth == township.depth + 1
    assert village.county_code == "150525"
    version = village.versions.get()
    assert (version.name, version.parent, version.path) == ("新村", township, village.path)
    assert (version.valid_from, version.valid_to) == (OPENED, None)


def test_county_division_code_is_padded_to_twelve_digits(tree: Tree) -> None:
    assert tree.county.division_code == "150525000000"
    assert tree.townships[0].division_code == "150525100000"


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("15052510020", "eleven digits for a village"),
        ("1505251002011", "thirteen digits"),
        ("15052510020X", "not all digits"),
        ("150525101201", "starts with the other township's code"),
        ("150526100201", "starts with another county's code"),
        ("", "empty"),
    ],
)
def test_village_with_an_invalid_division_code_is_refused_and_nothing_written(
    tree: Tree, code: str, why: str
) -> None:
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_create(
            actor=None, parent=tree.townships[0], name="新村", kind=Kind.VILLAGE, code=code
        )

    assert refused.value.code == "invalid_code", why
    assert refused.value.field == "code"
    assert written() == before


def test_top_level_area_with_an_unknown_province_prefix_is_refused(db: None) -> None:
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_create(actor=None, parent=None, name="无此旗", kind=Kind.BANNER, code="990525")

    assert refused.value.code == "invalid_code"
    assert "province" in refused.value.render("en")
    assert written() == before


def test_invalid_code_message_names_the_digits_and_the_parent_code(tree: Tree) -> None:
    with pytest.raises(ApplicationError) as refused:
        orgunit_create(
            actor=None, parent=tree.townships[0], name="新村", kind=Kind.VILLAGE, code="1505251"
        )

    assert refused.value.render("en") == (
        "Code “1505251” is not a valid division code for a Village: it needs 12 digits "
        "and must start with the code of the unit above (150525100)."
    )


def test_a_code_already_in_use_is_refused(tree: Tree) -> None:
    before = written()

    with pytest.raises(ApplicationError) as refused:
        add_village(tree, 0, "201", "另一个村")

    assert refused.value.code == "duplicate_code"
    assert "村1-1" in refused.value.render("en")
    assert written() == before


def test_a_name_already_used_by_an_open_sibling_is_refused(tree: Tree) -> None:
    before = written()

    with pytest.raises(ApplicationError) as refused:
        add_village(tree, 0, "203", "村1-1")

    assert refused.value.code == "duplicate_name"
    assert refused.value.field == "name"
    assert written() == before


def test_the_same_name_may_be_used_under_another_parent(tree: Tree) -> None:
    village = add_village(tree, 1, "203", "村1-1")

    assert village.parent == tree.townships[1]


def test_the_name_of_a_closed_sibling_may_be_used_again(tree: Tree) -> None:
    old = tree.village(0, 1)
    orgunit_close(actor=None, unit=old, on=Y2014)

    village = add_village(tree, 0, "203", old.name)

    assert village.name == old.name


def test_surrounding_whitespace_in_a_name_is_dropped(tree: Tree) -> None:
    village = add_village(tree, 0, "203", "  新村 ")

    assert village.name == "新村"


def test_a_blank_name_is_refused(tree: Tree) -> None:
    with pytest.raises(ApplicationError) as refused:
        add_village(tree, 0, "203", "   ")

    assert refused.value.code == "name_required"


@pytest.mark.parametrize(
    ("kind", "parent_of", "code"),
    [
        (Kind.VILLAGE, lambda tree: tree.county, "150525000201"),
        (Kind.TOWNSHIP, lambda tree: tree.townships[0], "150525100"),
        (Kind.TOWN, lambda tree: tree.village(0, 0), "150525102"),
        (Kind.VILLAGE, lambda tree: add_org(tree.townships[0]), "150525100203"),
    ],
    ids=["village-under-county", "township-under-township", "town-under-village", "area-under-org"],
)
def test_an_area_placed_under_the_wrong_kind_of_unit_is_refused(
    tree: Tree, kind: str, parent_of, code: str
) -> None:
    parent = parent_of(tree)
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_create(actor=None, parent=parent, name="错位", kind=kind, code=code)

    assert refused.value.code == "wrong_parent"
    assert written() == before


def test_a_township_or_an_organisation_needs_a_parent(db: None) -> None:
    for kind, code in [(Kind.TOWNSHIP, "150525100"), (Kind.WOMENS_HOME, None)]:
        with pytest.raises(ApplicationError) as refused:
            orgunit_create(actor=None, parent=None, name="孤儿", kind=kind, code=code)
        assert refused.value.code == "wrong_parent"


def test_nothing_can_be_placed_under_a_closed_unit(tree: Tree) -> None:
    village = tree.village(0, 1)
    orgunit_close(actor=None, unit=village, on=Y2014)
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_create(
            actor=None,
            parent=fresh(village),
            name="妇女之家",
            kind=Kind.WOMENS_HOME,
            opened_on=Y2016,
        )

    assert refused.value.code == "parent_closed"
    assert written() == before


def test_a_unit_cannot_open_before_its_parent(tree: Tree) -> None:
    with pytest.raises(ApplicationError) as refused:
        orgunit_create(
            actor=None,
            parent=tree.village(0, 0),
            name="妇女之家",
            kind=Kind.WOMENS_HOME,
            opened_on=dt.date(1999, 12, 31),
        )

    assert refused.value.code == "invalid_date"


# --- creating organisations: generated codes ------------------------------------------------------


def test_organisation_codes_are_generated_from_the_area_and_numbered(tree: Tree) -> None:
    village = tree.village(0, 0)

    first = add_org(village, name="妇女之家")
    second = add_org(village, name="第二妇女之家")
    team = add_org(village, kind=Kind.VOLUNTEER_TEAM, name="巾帼志愿队")

    assert first.code == "150525100201H001"
    assert second.code == "150525100201H002"
    assert team.code == "150525100201V001"
    assert first.division_code == ""
    assert first.county_code == "150525"


def test_an_organisation_under_an_organisation_takes_the_code_of_the_nearest_area(
    tree: Tree,
) -> None:
    home = add_org(tree.village(0, 0))

    team = add_org(home, kind=Kind.VOLUNTEER_TEAM, name="巾帼志愿队")

    assert team.code == "150525100201V001"
    assert team.parent == home


def test_numbering_continues_after_the_highest_code_not_the_count(tree: Tree) -> None:
    village = tree.village(0, 0)
    orgunit_create(
        actor=None, parent=village, name="旧家", kind=Kind.WOMENS_HOME, code="150525100201H007"
    )

    assert add_org(village).code == "150525100201H008"


def test_an_explicit_organisation_code_must_look_like_one(tree: Tree) -> None:
    with pytest.raises(ApplicationError) as refused:
        orgunit_create(
            actor=None,
            parent=tree.village(0, 0),
            name="妇女之家",
            kind=Kind.WOMENS_HOME,
            code="H001",
        )

    assert refused.value.code == "invalid_code"


# --- who may create -------------------------------------------------------------------------------


def test_county_admin_creates_units_in_her_county_and_is_recorded_as_actor(
    tree: Tree, county_admin
) -> None:
    home = orgunit_create(
        actor=county_admin, parent=tree.village(0, 0), name="妇女之家", kind=Kind.WOMENS_HOME
    )

    entry = AuditEntry.objects.get(action="orgunit.create", object_id=str(home.pk))
    assert entry.actor_id == county_admin.pk
    assert entry.actor_name == "county-admin"
    assert entry.unit_path == home.path
    assert entry.changes["name"] == [None, "妇女之家"]


def test_township_chair_without_manage_units_cannot_create_units(
    tree: Tree, township_chair
) -> None:
    before = written()

    with pytest.raises(PermissionDenied):
        orgunit_create(
            actor=township_chair,
            parent=tree.village(0, 0),
            name="妇女之家",
            kind=Kind.WOMENS_HOME,
        )

    assert written() == before


def test_county_admin_cannot_create_units_in_another_county(tree: Tree, county_admin) -> None:
    other = build_tree(county_code="150526", townships=1, villages_per_township=1)
    before = written()

    with pytest.raises(Http404):
        orgunit_create(
            actor=county_admin,
            parent=other.village(0, 0),
            name="妇女之家",
            kind=Kind.WOMENS_HOME,
        )

    assert written() == before


def test_people_cannot_create_top_level_units(county_admin) -> None:
    with pytest.raises(ApplicationError) as refused:
        orgunit_create(
            actor=county_admin, parent=None, name="新旗", kind=Kind.BANNER, code="150527"
        )

    assert refused.value.code == "wrong_parent"


def test_a_failure_after_the_insert_leaves_nothing_behind(tree: Tree, monkeypatch) -> None:
    def broken_audit(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    before = written()

    with pytest.raises(RuntimeError, match="disk full"):
        add_village(tree, 0, "203", "新村")

    assert written() == before
    assert not OrgUnit.objects.filter(code="150525100203").exists()


# --- renaming -------------------------------------------------------------------------------------


def test_rename_keeps_the_old_name_in_the_history_until_the_date(tree: Tree) -> None:
    village = tree.village(0, 0)

    orgunit_rename(actor=None, unit=village, name="幸福村", on=Y2015)

    assert fresh(village).name == "幸福村"
    old, new = village.versions.order_by("valid_from")
    assert (old.name, old.valid_from, old.valid_to) == ("村1-1", OPENED, Y2015)
    assert (new.name, new.valid_from, new.valid_to) == ("幸福村", Y2015, None)
    assert old.path == new.path == village.path
    entry = AuditEntry.objects.get(action="orgunit.rename")
    assert entry.changes == {"name": ["村1-1", "幸福村"]}


def test_two_renames_on_one_day_leave_one_version_for_that_day(tree: Tree) -> None:
    village = tree.village(0, 0)

    orgunit_rename(actor=None, unit=village, name="幸福村", on=Y2015)
    orgunit_rename(actor=None, unit=village, name="和谐村", on=Y2015)

    names = list(village.versions.order_by("valid_from").values_list("name", "valid_to"))
    assert names == [("村1-1", Y2015), ("和谐村", None)]


def test_history_can_only_be_added_to(tree: Tree) -> None:
    village = tree.village(0, 0)
    orgunit_rename(actor=None, unit=village, name="幸福村", on=Y2016)
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_rename(actor=None, unit=village, name="和谐村", on=Y2015)

    assert refused.value.code == "invalid_date"
    assert written() == before


def test_rename_to_a_sibling_name_or_the_same_name_is_refused(tree: Tree) -> None:
    village = tree.village(0, 0)

    with pytest.raises(ApplicationError) as duplicate:
        orgunit_rename(actor=None, unit=village, name="村1-2")
    with pytest.raises(ApplicationError) as same:
        orgunit_rename(actor=None, unit=village, name="村1-1")

    assert duplicate.value.code == "duplicate_name"
    assert same.value.code == "same_name"


def test_township_chair_cannot_rename_a_village(tree: Tree, township_chair) -> None:
    with pytest.raises(PermissionDenied):
        orgunit_rename(actor=township_chair, unit=tree.village(0, 0), name="幸福村")


# --- moving ---------------------------------------------------------------------------------------


def test_move_repaths_the_whole_subtree(tree: Tree) -> None:
    village = tree.village(0, 0)
    home = add_org(village)
    team = add_org(home, kind=Kind.VOLUNTEER_TEAM, name="志愿队")
    target = tree.townships[1]

    orgunit_move(actor=None, unit=village, new_parent=target, on=Y2015)

    village, home, team = fresh(village), fresh(home), fresh(team)
    assert village.parent == target
    assert village.path == f"{target.path}{village.pk}/"
    assert home.path == f"{village.path}{home.pk}/"
    assert team.path == f"{home.path}{team.pk}/"
    assert [village.depth, home.depth, team.depth] == [2, 3, 4]
    assert home.parent_id == village.pk


def test_move_changes_depth_of_every_descendant(tree: Tree) -> None:
    home = add_org(tree.village(0, 0))
    team = add_org(home, kind=Kind.VOLUNTEER_TEAM, name="志愿队")

    orgunit_move(actor=None, unit=home, new_parent=tree.county, on=Y2015)

    assert (fresh(home).depth, fresh(team).depth) == (1, 2)
    assert fresh(team).path == f"{tree.county.path}{home.pk}/{team.pk}/"


def test_move_takes_as_many_queries_for_a_large_subtree_as_for_a_small_one(tree: Tree) -> None:
    small, large = tree.village(0, 0), tree.village(0, 1)
    for i in range(6):
        add_org(large, name=f"之家{i}")

    with CaptureQueriesContext(connection) as small_move:
        orgunit_move(actor=None, unit=small, new_parent=tree.townships[1], on=Y2015)
    with CaptureQueriesContext(connection) as large_move:
        orgunit_move(actor=None, unit=large, new_parent=tree.townships[1], on=Y2015)

    assert len(large_move.captured_queries) == len(small_move.captured_queries)


def test_move_keeps_the_old_placement_in_the_history(tree: Tree) -> None:
    village = tree.village(0, 0)
    home = add_org(village)
    old_township, new_township = tree.townships
    old_path = village.path

    orgunit_move(actor=None, unit=village, new_parent=new_township, on=Y2015)

    old, new = village.versions.order_by("valid_from")
    assert (old.parent, old.path, old.valid_to) == (old_township, old_path, Y2015)
    assert (new.parent, new.path, new.valid_from) == (new_township, fresh(village).path, Y2015)
    home_old, home_new = home.versions.order_by("valid_from")
    assert home_old.path.startswith(old_township.path)
    assert home_new.path.startswith(new_township.path)
    entry = AuditEntry.objects.get(action="orgunit.move")
    assert entry.changes == {"parent": [old_township.pk, new_township.pk]}
    assert entry.unit_path == fresh(village).path


def test_move_to_another_county_rekeys_the_county_code_of_the_subtree(tree: Tree) -> None:
    other = build_tree(county_code="150526", townships=1, villages_per_township=0)
    township = tree.townships[1]

    orgunit_move(actor=None, unit=township, new_parent=other.county, on=Y2015)

    codes = set(OrgUnit.objects.subtree(fresh(township)).values_list("county_code", flat=True))
    assert codes == {"150526"}


def test_a_unit_cannot_be_moved_under_its_own_descendant(tree: Tree) -> None:
    township = tree.townships[0]
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_move(actor=None, unit=township, new_parent=tree.village(0, 0), on=Y2015)

    assert refused.value.code == "cycle"
    assert written() == before


def test_a_unit_cannot_be_moved_under_itself(tree: Tree) -> None:
    home = add_org(tree.village(0, 0))

    with pytest.raises(ApplicationError) as refused:
        orgunit_move(actor=None, unit=home, new_parent=home, on=Y2015)

    assert refused.value.code == "cycle"


def test_moving_to_the_same_parent_is_refused(tree: Tree) -> None:
    with pytest.raises(ApplicationError) as refused:
        orgunit_move(actor=None, unit=tree.village(0, 0), new_parent=tree.townships[0], on=Y2015)

    assert refused.value.code == "same_parent"


def test_a_village_cannot_be_moved_under_a_county(tree: Tree) -> None:
    with pytest.raises(ApplicationError) as refused:
        orgunit_move(actor=None, unit=tree.village(0, 0), new_parent=tree.county, on=Y2015)

    assert refused.value.code == "wrong_parent"


def test_move_refuses_a_name_taken_under_the_new_parent(tree: Tree) -> None:
    add_village(tree, 1, "203", "村1-1")

    with pytest.raises(ApplicationError) as refused:
        orgunit_move(actor=None, unit=tree.village(0, 0), new_parent=tree.townships[1], on=Y2015)

    assert refused.value.code == "duplicate_name"


def test_move_cannot_date_back_before_a_later_change_inside_the_subtree(tree: Tree) -> None:
    """A move rewrites the placement of every descendant, so none may have newer history."""
    village = tree.village(0, 0)
    home = add_org(village)
    orgunit_rename(actor=None, unit=home, name="新妇女之家", on=Y2016)
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_move(actor=None, unit=village, new_parent=tree.townships[1], on=Y2015)

    assert refused.value.code == "invalid_date"
    assert written() == before
    assert all(
        version.valid_to is None or version.valid_to > version.valid_from
        for version in OrgUnitVersion.objects.all()
    )


def test_county_admin_cannot_move_a_unit_into_another_county(tree: Tree, county_admin) -> None:
    other = build_tree(county_code="150526", townships=1, villages_per_township=0)

    with pytest.raises(Http404):
        orgunit_move(actor=county_admin, unit=tree.townships[0], new_parent=other.county, on=Y2015)

    assert fresh(tree.townships[0]).parent == tree.county


def test_a_failed_move_leaves_every_path_as_it_was(tree: Tree, monkeypatch) -> None:
    village = tree.village(0, 0)
    add_org(village)
    paths = dict(OrgUnit.objects.values_list("pk", "path"))
    before = written()

    def broken_audit(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        orgunit_move(actor=None, unit=village, new_parent=tree.townships[1], on=Y2015)

    assert dict(OrgUnit.objects.values_list("pk", "path")) == paths
    assert written() == before
    assert not OrgUnitVersion.objects.exclude(valid_to=None).exists()


# --- closing --------------------------------------------------------------------------------------


def test_close_sets_the_date_and_records_it(tree: Tree) -> None:
    village = tree.village(0, 1)

    orgunit_close(actor=None, unit=village, on=Y2015)

    assert fresh(village).closed_on == Y2015
    assert not fresh(village).is_open(Y2015)
    assert fresh(village).is_open(Y2014)
    entry = AuditEntry.objects.get(action="orgunit.close")
    assert entry.changes == {"closed_on": [None, "2015-01-01"]}


def test_close_refuses_a_unit_with_open_children(tree: Tree) -> None:
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_close(actor=None, unit=tree.townships[0], on=Y2015)

    assert refused.value.code == "open_children"
    assert "2" in refused.value.render("en")
    assert written() == before


def test_close_counts_children_that_close_only_after_the_date_as_open(tree: Tree) -> None:
    township = tree.townships[0]
    for village in tree.villages[township.code]:
        orgunit_close(actor=None, unit=village, on=Y2016)

    with pytest.raises(ApplicationError) as refused:
        orgunit_close(actor=None, unit=township, on=Y2015)

    assert refused.value.code == "open_children"


def test_a_closed_unit_cannot_be_closed_again(tree: Tree) -> None:
    village = tree.village(0, 1)
    orgunit_close(actor=None, unit=village, on=Y2015)

    with pytest.raises(ApplicationError) as refused:
        orgunit_close(actor=None, unit=fresh(village), on=Y2016)

    assert refused.value.code == "already_closed"


def test_a_unit_cannot_close_before_it_opened(tree: Tree) -> None:
    with pytest.raises(ApplicationError) as refused:
        orgunit_close(actor=None, unit=tree.village(0, 1), on=dt.date(1999, 1, 1))

    assert refused.value.code == "invalid_date"


# --- merging and splitting ------------------------------------------------------------------------


def test_merge_moves_open_children_to_the_target_and_closes_the_sources(tree: Tree) -> None:
    target, source = tree.townships
    moved = tree.villages[source.code]

    orgunit_merge(actor=None, sources=[source], target=target, on=Y2015)

    assert fresh(source).closed_on == Y2015
    assert {fresh(v).parent_id for v in moved} == {target.pk}
    assert all(fresh(v).path.startswith(target.path) for v in moved)
    succession = Succession.objects.get()
    assert (succession.predecessor, succession.successor) == (source, target)
    assert (succession.kind, succession.on) == (Succession.Kind.MERGE, Y2015)
    entry = AuditEntry.objects.get(action="orgunit.merge")
    assert entry.changes["successor"] == [None, target.pk]


def test_merge_refuses_a_child_name_already_used_under_the_target(tree: Tree) -> None:
    target, source = tree.townships
    add_village(tree, 0, "203", "村2-1")
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_merge(actor=None, sources=[source], target=target, on=Y2015)

    assert refused.value.code == "duplicate_name"
    assert written() == before
    assert fresh(source).closed_on is None


def test_a_unit_cannot_be_merged_into_itself_or_its_descendant(tree: Tree) -> None:
    township = tree.townships[0]

    for target in [township, tree.village(0, 0)]:
        with pytest.raises(ApplicationError) as refused:
            orgunit_merge(actor=None, sources=[township], target=target, on=Y2015)
        assert refused.value.code == "cycle"


def test_merge_needs_a_source(tree: Tree) -> None:
    with pytest.raises(ApplicationError) as refused:
        orgunit_merge(actor=None, sources=[], target=tree.townships[0], on=Y2015)

    assert refused.value.code == "merge_needs_sources"


def test_split_assigns_each_child_to_a_new_unit_and_closes_the_original(tree: Tree) -> None:
    original = tree.townships[0]
    first, second = tree.villages[original.code]

    east, west = orgunit_split(
        actor=None,
        unit=original,
        parts=[NewPart("东镇", code="150525102"), NewPart("西镇", code="150525103")],
        assign={first.pk: 0, second.pk: 1},
        on=Y2015,
    )

    assert fresh(original).closed_on == Y2015
    assert (east.parent, west.parent) == (tree.county, tree.county)
    assert (east.kind, east.opened_on) == (Kind.TOWN, Y2015)
    assert fresh(first).parent == east
    assert fresh(second).parent == west
    assert fresh(first).path == f"{east.path}{first.pk}/"
    successions = Succession.objects.order_by("successor_id")
    assert [(s.predecessor, s.successor, s.kind) for s in successions] == [
        (original, east, Succession.Kind.SPLIT),
        (original, west, Succession.Kind.SPLIT),
    ]


def test_split_refuses_an_unassigned_child_and_writes_nothing(tree: Tree) -> None:
    original = tree.townships[0]
    first, _second = tree.villages[original.code]
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_split(
            actor=None,
            unit=original,
            parts=[NewPart("东镇", code="150525102"), NewPart("西镇", code="150525103")],
            assign={first.pk: 0},
            on=Y2015,
        )

    assert refused.value.code == "split_child_unassigned"
    assert written() == before


def test_split_needs_two_parts(tree: Tree) -> None:
    with pytest.raises(ApplicationError) as refused:
        orgunit_split(
            actor=None, unit=tree.village(0, 0), parts=[NewPart("东村", code="150525100203")]
        )

    assert refused.value.code == "split_needs_parts"


def test_split_with_a_bad_code_for_a_part_writes_nothing(tree: Tree) -> None:
    original = tree.townships[0]
    first, second = tree.villages[original.code]
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_split(
            actor=None,
            unit=original,
            parts=[NewPart("东镇", code="150525102"), NewPart("西镇", code="15052510")],
            assign={first.pk: 0, second.pk: 1},
            on=Y2015,
        )

    assert refused.value.code == "invalid_code"
    assert written() == before


def test_county_admin_of_another_county_cannot_merge_or_split(tree: Tree) -> None:
    other_admin = make_user(
        "other-admin",
        Role.COUNTY_ADMIN,
        build_tree(county_code="150526", townships=1, villages_per_township=0).county,
    )

    with pytest.raises(Http404):
        orgunit_merge(
            actor=other_admin, sources=[tree.townships[1]], target=tree.townships[0], on=Y2015
        )
    with pytest.raises(Http404):
        orgunit_split(
            actor=other_admin,
            unit=tree.village(0, 0),
            parts=[NewPart("东村", code="150525100203"), NewPart("西村", code="150525100204")],
        )


def test_merge_cannot_date_back_before_a_later_change_inside_a_source(tree: Tree) -> None:
    target, source = tree.townships
    orgunit_rename(actor=None, unit=tree.village(1, 0), name="新村", on=Y2016)
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_merge(actor=None, sources=[source], target=target, on=Y2015)

    assert refused.value.code == "invalid_date"
    assert written() == before


def test_split_cannot_date_back_before_a_later_change_inside_the_unit(tree: Tree) -> None:
    original = tree.townships[0]
    first, second = tree.villages[original.code]
    orgunit_rename(actor=None, unit=first, name="新村", on=Y2016)
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_split(
            actor=None,
            unit=original,
            parts=[NewPart("东镇", code="150525102"), NewPart("西镇", code="150525103")],
            assign={first.pk: 0, second.pk: 1},
            on=Y2015,
        )

    assert refused.value.code == "invalid_date"
    assert written() == before


def test_merge_refuses_a_target_that_cannot_hold_the_sources_children(tree: Tree) -> None:
    """Merging a township into a village would put villages under a village."""
    source = tree.townships[1]
    before = written()

    with pytest.raises(ApplicationError) as refused:
        orgunit_merge(actor=None, sources=[source], target=tree.village(0, 0), on=Y2015)

    assert refused.value.code == "wrong_parent"
    assert written() == before
    assert {fresh(v).parent_id for v in tree.villages[source.code]} == {source.pk}
