"""The engine against the records: every figure equals a plain query over the records, stays
equal after any write, and counts what the metric declares."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from jinguo.activities.choices import ActivityKind
from jinguo.activities.models import Activity, Attendance, ParticipantCount
from jinguo.metrics import engine, periods
from jinguo.metrics.models import Cached, Stale, Tally
from jinguo.metrics.tests.conftest import MakeActivity, at
from jinguo.orgunits.models import OrgUnit
from jinguo.people.tests.conftest import MakePerson
from jinguo.testing import Tree

Y2014 = periods.year(2014)
pytestmark = pytest.mark.django_db


def value(key: str, unit: OrgUnit, period: periods.Period = Y2014) -> Decimal | None:
    return engine.figure(key, unit, period).value


def test_a_record_written_is_counted_on_the_next_read(
    tree: Tree, village: OrgUnit, make_activity: MakeActivity
) -> None:
    assert value("activities.counted", tree.county) == 0
    make_activity(village, dt.date(2014, 3, 8), counted=40)
    assert value("activities.counted", tree.county) == 40
    make_activity(village, dt.date(2014, 11, 2), counted=2)
    assert value("activities.counted", tree.county) == 42
    assert value("trainings.count", tree.county) == 2


def test_figures_of_a_subtree_and_of_its_siblings(
    tree: Tree, village: OrgUnit, far_village: OrgUnit, make_activity: MakeActivity
) -> None:
    make_activity(village, dt.date(2014, 3, 8), counted=40)
    make_activity(far_village, dt.date(2014, 3, 9), counted=7)
    make_activity(tree.county, dt.date(2014, 3, 10), counted=100)
    township, other = tree.townships
    assert value("activities.counted", township) == 40
    assert value("activities.counted", other) == 7
    assert value("activities.counted", tree.county) == 147
    by_unit = engine.by_unit(["activities.counted"], [township, other, village], Y2014)
    assert [by_unit[u.pk]["activities.counted"].value for u in (township, other, village)] == [
        40,
        7,
        40,
    ]


def test_an_activity_counts_where_it_was_held(
    tree: Tree, village: OrgUnit, far_village: OrgUnit, make_activity: MakeActivity
) -> None:
    make_activity(tree.county, dt.date(2014, 6, 1), counted=196, place=far_village)
    assert value("activities.counted", tree.townships[1]) == 196
    assert value("activities.counted", tree.townships[0]) == 0


def test_updates_and_deletes_move_the_figures(
    tree: Tree, village: OrgUnit, far_village: OrgUnit, make_activity: MakeActivity
) -> None:
    activity = make_activity(village, dt.date(2014, 3, 8), counted=40)
    assert value("activities.counted", tree.townships[0]) == 40
    Activity.objects.filter(pk=activity.pk).update(place=far_village)  # the hop moves
    assert value("activities.counted", tree.townships[0]) == 0
    assert value("activities.counted", tree.townships[1]) == 40
    ParticipantCount.objects.filter(activity=activity).update(count=12)
    assert value("activities.counted", tree.county) == 12
    Activity.objects.filter(pk=activity.pk).update(start=at(dt.date(2015, 1, 2)))
    assert value("activities.counted", tree.county) == 0
    assert value("activities.counted", tree.county, periods.year(2015)) == 12
    ParticipantCount.objects.all().delete()
    assert value("activities.counted", tree.county, periods.year(2015)) == 0
    assert not Tally.objects.exclude(total=0).filter(metric="activities.counted").exists()


def test_a_filter_on_another_table_is_followed(
    tree: Tree, village: OrgUnit, make_activity: MakeActivity
) -> None:
    activity = make_activity(village, dt.date(2014, 3, 8), counted=40)
    assert value("trainings.counted", tree.county) == 40
    Activity.objects.filter(pk=activity.pk).update(kind=ActivityKind.TALK)
    assert value("trainings.counted", tree.county) == 0


def test_distinct_people_and_person_times(
    tree: Tree,
    village: OrgUnit,
    far_village: OrgUnit,
    make_activity: MakeActivity,
    make_person: MakePerson,
) -> None:
    wang, li = make_person("王芳"), make_person("李娜", residence=far_village)
    first = make_activity(village, dt.date(2014, 7, 1), people=(wang, li))
    Attendance.objects.create(activity=first, person=wang, day=dt.date(2014, 7, 2), source="staff")
    make_activity(far_village, dt.date(2014, 8, 1), people=(wang,))
    assert value("activities.attendance", tree.county) == 4  # person-times
    assert value("activities.participants", tree.county) == 2  # the same two women
    assert value("activities.participants", tree.townships[1]) == 1  # 王芳 came once there
    assert value("activities.participants", tree.county, periods.month(2014, 8)) == 1
    # A cached distinct figure is dropped when a record below it changes.
    make_activity(far_village, dt.date(2014, 9, 1), people=(make_person("赵敏"),))
    assert value("activities.participants", tree.county) == 3


def test_rates_divide_their_parts_and_have_no_value_over_nothing(tree: Tree) -> None:
    # The test tree has villages and no Women's Homes.
    figure = engine.figure("units.home_coverage", tree.county, Y2014)
    assert figure.value == 0
    assert engine.figure("units.home_coverage", tree.villages[tree.townships[0].code][0], Y2014)
    empty = engine.figure("units.home_coverage", tree.townships[0], periods.year(1990))
    assert empty.value is None
    assert empty.text == "—"


@pytest.mark.parametrize(
    "key",
    [
        "2014",
        "2014A",
        "2014H2",
        "2014Q2",
        "2014-03",
        "2014-03-08~2014-05-31",
        "2014-02-10~2014-02-20",
    ],
)
def test_every_kind_of_period_equals_the_records(
    key: str, tree: Tree, village: OrgUnit, make_activity: MakeActivity
) -> None:
    days = [
        dt.date(2014, 1, 31),
        dt.date(2014, 2, 15),
        dt.date(2014, 3, 8),
        dt.date(2014, 5, 31),
        dt.date(2014, 6, 1),
        dt.date(2014, 12, 31),
        dt.date(2015, 2, 1),
        dt.date(2015, 4, 1),
    ]
    for n, day in enumerate(days, start=1):
        make_activity(village, day, counted=n)
    period = periods.parse(key)
    expected = sum(n for n, day in enumerate(days, start=1) if period.start <= day < period.end)
    assert value("activities.counted", tree.county, period) == expected
    assert engine.compute("activities.counted", tree.county, period) == expected


def test_april_to_march_year(tree: Tree, village: OrgUnit, make_activity: MakeActivity) -> None:
    make_activity(village, dt.date(2014, 3, 31), counted=1)
    make_activity(village, dt.date(2014, 4, 1), counted=10)
    make_activity(village, dt.date(2015, 3, 31), counted=100)
    make_activity(village, dt.date(2015, 4, 1), counted=1000)
    assert value("activities.counted", tree.county, periods.parse("2014A")) == 110


def test_by_month(tree: Tree, village: OrgUnit, make_activity: MakeActivity) -> None:
    make_activity(village, dt.date(2014, 3, 8), counted=5)
    make_activity(village, dt.date(2014, 3, 20), counted=6)
    make_activity(village, dt.date(2014, 11, 2), counted=7)
    months = engine.by_month(["activities.counted"], tree.county, Y2014)
    assert [m.key for m, _ in months][:3] == ["2014-01", "2014-02", "2014-03"]
    assert [f["activities.counted"].value for _, f in months] == [
        0,
        0,
        11,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        7,
        0,
    ]


def test_silent_villages(tree: Tree, village: OrgUnit, make_activity: MakeActivity) -> None:
    make_activity(village, dt.date(2014, 3, 8), counted=5)
    silent = engine.silent_units(tree.county, periods.month(2014, 3))
    assert village not in silent
    assert len(silent) == sum(len(v) for v in tree.villages.values()) - 1


def test_nothing_is_marked_when_a_write_rolls_back(
    tree: Tree, village: OrgUnit, make_activity: MakeActivity
) -> None:
    from django.db import transaction

    engine.refresh()

    def write_and_fail() -> None:
        with transaction.atomic():
            make_activity(village, dt.date(2014, 3, 8), counted=5)
            assert Stale.objects.exists()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_and_fail()
    assert not Stale.objects.exists()
    assert value("activities.counted", tree.county) == 0


def test_rebuild_gives_the_same_figures(
    tree: Tree, village: OrgUnit, far_village: OrgUnit, make_activity: MakeActivity
) -> None:
    make_activity(village, dt.date(2014, 3, 8), counted=5)
    make_activity(far_village, dt.date(2014, 4, 8), counted=6)
    before = {u.pk: value("activities.counted", u) for u in [tree.county, *tree.townships]}
    engine.rebuild()
    assert not Cached.objects.exists()
    assert {u.pk: value("activities.counted", u) for u in [tree.county, *tree.townships]} == before


def test_a_year_is_read_from_twelve_rows(
    tree: Tree, village: OrgUnit, make_activity: MakeActivity, django_assert_max_num_queries: object
) -> None:
    make_activity(village, dt.date(2014, 3, 8), counted=5)
    engine.refresh()
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert value("activities.counted", tree.county) == 5
    assert len(queries) <= 2  # is anything stale? + the tally


def test_a_village_that_moves_takes_its_figures_along(
    tree: Tree, village: OrgUnit, make_activity: MakeActivity
) -> None:
    from jinguo.orgunits.services import orgunit_move

    make_activity(village, dt.date(2014, 3, 8), counted=5)
    first, second = tree.townships
    assert value("activities.counted", first) == 5
    orgunit_move(actor=None, unit=village, new_parent=second, on=dt.date(2014, 12, 1))
    assert value("activities.counted", first) == 0
    assert value("activities.counted", second) == 5
    assert value("activities.counted", tree.county) == 5


def test_a_write_drops_only_the_cached_figures_of_its_month(
    tree: Tree, village: OrgUnit, make_activity: MakeActivity, make_person: MakePerson
) -> None:
    wang = make_person("王芳")
    make_activity(village, dt.date(2014, 3, 8), people=(wang,))
    for period in (periods.year(2013), periods.year(2014), periods.month(2014, 3)):
        engine.figure("activities.participants", tree.county, period)
    assert Stale.objects.filter(month=dt.date(2014, 3, 1)).count() == 0
    make_activity(village, dt.date(2014, 5, 1), people=(make_person("李娜"),))
    assert set(Stale.objects.values_list("month", flat=True)) >= {dt.date(2014, 5, 1)}
    engine.refresh()
    kept = set(Cached.objects.values_list("start", "end"))
    assert (dt.date(2013, 1, 1), dt.date(2014, 1, 1)) in kept  # 2013 cannot have changed
    assert (dt.date(2014, 3, 1), dt.date(2014, 4, 1)) in kept  # nor March
    assert (dt.date(2014, 1, 1), dt.date(2015, 1, 1)) not in kept
    assert value("activities.participants", tree.county) == 2
    assert value("activities.participants", tree.county, periods.month(2014, 3)) == 1


def test_a_migrate_that_applies_nothing_marks_nothing() -> None:
    from django.core.management import call_command

    engine.refresh()
    call_command("migrate", verbosity=0)
    assert not Stale.objects.exists()
