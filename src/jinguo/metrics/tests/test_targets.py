"""Targets (目标任务): set by the county for a unit, a counted metric and a year; audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.metrics.models import Target
from jinguo.metrics.selectors import targets_of
from jinguo.metrics.services import target_set
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

COUNT = "left_behind.children"  # distinct people, whole numbers
MONEY = "loans.principal"  # yuan
RATE = "units.home_coverage"


def refused(code: str, call: object) -> ApplicationError:
    assert callable(call)
    with pytest.raises(ApplicationError) as caught:
        call()
    assert caught.value.code == code
    return caught.value


def test_county_admin_sets_a_target_for_a_township_and_it_is_audited(
    tree: Tree, county_admin: User
) -> None:
    township = tree.townships[0]

    target = target_set(
        actor=county_admin, metric_key=COUNT, unit=township, year=2014, value=Decimal(120)
    )

    assert target is not None
    assert (target.metric, target.unit, target.year, target.value) == (COUNT, township, 2014, 120)
    assert target.set_by == county_admin
    entry = AuditEntry.objects.get(action="target.set")
    assert entry.object_id == f"{COUNT}:{township.pk}:2014"
    assert entry.unit_path == township.path
    assert entry.changes == {"value": [None, "120.00"]}


def test_changing_a_target_keeps_one_row_and_records_before_and_after(
    tree: Tree, county_admin: User
) -> None:
    unit = tree.county
    target_set(actor=county_admin, metric_key=MONEY, unit=unit, year=2014, value="5,000,000")

    target_set(actor=county_admin, metric_key=MONEY, unit=unit, year=2014, value=Decimal("6e6"))

    assert Target.objects.get().value == Decimal(6_000_000)
    changes = list(
        AuditEntry.objects.filter(action="target.set")
        .order_by("id")
        .values_list("changes", flat=True)
    )
    assert changes == [{"value": [None, "5000000.00"]}, {"value": ["5000000.00", "6000000.00"]}]


def test_setting_the_same_value_again_writes_nothing(tree: Tree, county_admin: User) -> None:
    target_set(actor=county_admin, metric_key=COUNT, unit=tree.county, year=2014, value=10)

    target_set(actor=county_admin, metric_key=COUNT, unit=tree.county, year=2014, value=10)

    assert AuditEntry.objects.filter(action="target.set").count() == 1


def test_an_empty_value_removes_the_target(tree: Tree, county_admin: User) -> None:
    target_set(actor=county_admin, metric_key=COUNT, unit=tree.county, year=2014, value=10)

    assert (
        target_set(actor=county_admin, metric_key=COUNT, unit=tree.county, year=2014, value=None)
        is None
    )

    assert not Target.objects.exists()
    assert AuditEntry.objects.get(action="target.remove").changes == {"value": ["10.00", None]}
    # Removing what is not there is no change.
    target_set(actor=county_admin, metric_key=COUNT, unit=tree.county, year=2014, value="")
    assert AuditEntry.objects.filter(action="target.remove").count() == 1


def test_targets_are_kept_per_year_and_unit(tree: Tree, county_admin: User) -> None:
    target_set(actor=county_admin, metric_key=COUNT, unit=tree.county, year=2014, value=10)
    target_set(actor=county_admin, metric_key=COUNT, unit=tree.county, year=2015, value=20)
    target_set(actor=county_admin, metric_key=COUNT, unit=tree.townships[0], year=2014, value=5)
    target_set(actor=county_admin, metric_key=MONEY, unit=tree.county, year=2014, value=100)

    assert targets_of(county_admin, tree.county, 2014) == {COUNT: 10, MONEY: 100}
    assert targets_of(county_admin, tree.county, 2014, [COUNT]) == {COUNT: 10}
    assert targets_of(county_admin, tree.county, 2015) == {COUNT: 20}


def test_a_township_chair_sees_her_targets_but_may_not_set_them(
    tree: Tree, county_admin: User, township_chair: User
) -> None:
    township = tree.townships[0]
    target_set(actor=county_admin, metric_key=COUNT, unit=township, year=2014, value=10)

    assert targets_of(township_chair, township, 2014) == {COUNT: 10}
    with pytest.raises(PermissionDenied):
        target_set(actor=township_chair, metric_key=COUNT, unit=township, year=2014, value=1)
    assert Target.objects.get().value == 10


def test_a_unit_out_of_sight_is_not_found(
    tree: Tree, county_admin: User, other_chair: User
) -> None:
    township = tree.townships[0]
    target_set(actor=county_admin, metric_key=COUNT, unit=township, year=2014, value=10)

    with pytest.raises(Http404):
        targets_of(other_chair, township, 2014)
    with pytest.raises(Http404):
        target_set(actor=other_chair, metric_key=COUNT, unit=township, year=2014, value=1)


def test_an_unknown_metric_is_refused_in_both_languages(tree: Tree, county_admin: User) -> None:
    error = refused(
        "metric_unknown",
        lambda: target_set(
            actor=county_admin, metric_key="no.such", unit=tree.county, year=2014, value=1
        ),
    )

    assert "no.such" in error.as_dict()["message_en"]  # type: ignore[operator]
    assert "no.such" in error.as_dict()["message"]  # type: ignore[operator]


def test_a_rate_takes_no_target(tree: Tree, county_admin: User) -> None:
    error = refused(
        "target_rate",
        lambda: target_set(
            actor=county_admin, metric_key=RATE, unit=tree.county, year=2014, value=90
        ),
    )

    assert error.field == "metric"
    assert "rate" in error.render("en")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (Decimal(-1), "target_negative"),
        ("-0.5", "target_negative"),
        ("十", "target_invalid"),
        ("NaN", "target_invalid"),
        ("Infinity", "target_invalid"),
        (Decimal("1e30"), "target_too_large"),
        (Decimal("12.5"), "target_decimals"),
    ],
)
def test_values_a_target_cannot_take_are_refused(
    tree: Tree, county_admin: User, value: object, code: str
) -> None:
    error = refused(
        code,
        lambda: target_set(
            actor=county_admin,
            metric_key=COUNT,
            unit=tree.county,
            year=2014,
            value=value,  # type: ignore[arg-type]
        ),
    )

    assert error.field == "value"
    assert error.as_dict()["message"]
    assert error.as_dict()["message_en"]
    assert not Target.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="target.").exists()


def test_a_whole_number_written_with_decimals_is_accepted(tree: Tree, county_admin: User) -> None:
    target = target_set(
        actor=county_admin, metric_key=COUNT, unit=tree.county, year=2014, value="1,355.00"
    )

    assert target is not None
    assert target.value == 1355


def test_a_year_far_away_is_refused(tree: Tree, county_admin: User) -> None:
    for year in (1999, 2101):
        refused(
            "target_year",
            lambda year=year: target_set(
                actor=county_admin, metric_key=COUNT, unit=tree.county, year=year, value=1
            ),
        )
