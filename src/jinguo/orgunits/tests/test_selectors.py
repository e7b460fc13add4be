"""Reads of the tree: always through the reader's scope, and as it stood on a past day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.orgunits.selectors import (
    subtree_ids_on,
    unit_ancestors,
    unit_children,
    unit_history,
    unit_kind_counts,
    unit_list,
)
from jinguo.orgunits.services import orgunit_close, orgunit_create, orgunit_move, orgunit_rename
from jinguo.testing import OPENED, Tree

pytestmark = pytest.mark.django_db

MOVED_ON = dt.date(2015, 1, 1)


def ids(units) -> set[int]:
    return {unit.pk for unit in units}


def add_home(parent: OrgUnit, name: str = "妇女之家") -> OrgUnit:
    return orgunit_create(
        actor=None, parent=parent, name=name, kind=Kind.WOMENS_HOME, opened_on=OPENED
    )


# --- the tree on a past day -----------------------------------------------------------------------


def test_a_moved_village_counts_under_its_old_township_before_the_move(tree: Tree) -> None:
    township_a, township_b = tree.townships
    village = tree.village(0, 0)
    home = add_home(village)

    orgunit_move(actor=None, unit=village, new_parent=township_b, on=MOVED_ON)

    in_2014 = dt.date(2014, 6, 1)
    in_2016 = dt.date(2016, 6, 1)
    assert {village.pk, home.pk} <= set(subtree_ids_on(township_a, in_2014))
    assert not {village.pk, home.pk} & set(subtree_ids_on(township_b, in_2014))
    assert not {village.pk, home.pk} & set(subtree_ids_on(township_a, in_2016))
    assert {village.pk, home.pk} <= set(subtree_ids_on(township_b, in_2016))


def test_the_move_takes_effect_on_its_date(tree: Tree) -> None:
    township_a, township_b = tree.townships
    village = tree.village(0, 0)

    orgunit_move(actor=None, unit=village, new_parent=township_b, on=MOVED_ON)

    day_before = MOVED_ON - dt.timedelta(days=1)
    assert village.pk in set(subtree_ids_on(township_a, day_before))
    assert village.pk in set(subtree_ids_on(township_b, MOVED_ON))
    assert village.pk not in set(subtree_ids_on(township_a, MOVED_ON))


def test_subtree_on_a_day_counts_each_unit_once(tree: Tree) -> None:
    village = tree.village(0, 0)
    orgunit_rename(actor=None, unit=village, name="幸福村", on=dt.date(2010, 1, 1))
    orgunit_move(actor=None, unit=village, new_parent=tree.townships[1], on=MOVED_ON)

    for day in [dt.date(2005, 1, 1), dt.date(2012, 1, 1), dt.date(2020, 1, 1)]:
        found = list(subtree_ids_on(tree.county, day))
        assert len(found) == len(set(found)) == 7


def test_subtree_on_a_day_includes_the_root_itself(tree: Tree) -> None:
    village = tree.village(1, 1)

    assert set(subtree_ids_on(village, dt.date(2020, 1, 1))) == {village.pk}


def test_subtree_before_the_root_existed_is_empty(tree: Tree) -> None:
    assert list(subtree_ids_on(tree.townships[0], dt.date(1999, 1, 1))) == []


# --- scoped reads ---------------------------------------------------------------------------------


def test_unit_list_shows_only_the_readers_subtree(tree: Tree, village_director) -> None:
    assert ids(unit_list(village_director)) == {tree.village(0, 0).pk}


def test_unit_list_hides_closed_units_unless_asked(tree: Tree, county_admin) -> None:
    closed = tree.village(1, 1)
    orgunit_close(actor=None, unit=closed, on=MOVED_ON)

    assert closed.pk not in ids(unit_list(county_admin))
    assert closed.pk in ids(unit_list(county_admin, include_closed=True))


def test_unit_list_searches_names_and_code_prefixes(tree: Tree, county_admin) -> None:
    assert ids(unit_list(county_admin, search="村2-")) == ids(tree.villages["150525101"])
    assert ids(unit_list(county_admin, search="150525100")) == {
        tree.townships[0].pk,
        *ids(tree.villages["150525100"]),
    }
    assert ids(unit_list(county_admin, kind=Kind.TOWN)) == ids(tree.townships)


def test_unit_list_within_a_unit(tree: Tree, county_admin) -> None:
    township = tree.townships[1]

    assert ids(unit_list(county_admin, within=township)) == {
        township.pk,
        *ids(tree.villages[township.code]),
    }


def test_unit_children_count_the_open_units_below_each_child(tree: Tree, county_admin) -> None:
    orgunit_close(actor=None, unit=tree.village(0, 1), on=MOVED_ON)

    children = {
        child.name: getattr(child, "child_count", None)
        for child in unit_children(county_admin, tree.county)
    }

    assert children == {"镇1": 1, "镇2": 2}


def test_unit_children_of_a_unit_out_of_scope_is_404(tree: Tree, village_director) -> None:
    with pytest.raises(Http404):
        unit_children(village_director, tree.townships[0])


def test_ancestors_stop_at_the_top_of_the_readers_scope(
    tree: Tree, township_chair, county_admin
) -> None:
    village = tree.village(0, 0)

    assert unit_ancestors(township_chair, village) == [tree.townships[0]]
    assert unit_ancestors(county_admin, village) == [tree.county, tree.townships[0]]


def test_kind_counts_count_open_units_below(tree: Tree, county_admin) -> None:
    add_home(tree.village(0, 0))
    orgunit_close(actor=None, unit=tree.village(1, 1), on=MOVED_ON)

    assert unit_kind_counts(county_admin, tree.county) == {
        Kind.TOWN: 2,
        Kind.VILLAGE: 3,
        Kind.WOMENS_HOME: 1,
    }
    assert unit_kind_counts(county_admin, tree.county, on=dt.date(2014, 1, 1)) == {
        Kind.TOWN: 2,
        Kind.VILLAGE: 4,
        Kind.WOMENS_HOME: 1,
    }


def test_history_of_a_unit_out_of_scope_is_404(tree: Tree, village_director) -> None:
    with pytest.raises(Http404):
        unit_history(village_director, tree.village(0, 1))
    assert [v.name for v in unit_history(village_director, tree.village(0, 0))] == ["村1-1"]
