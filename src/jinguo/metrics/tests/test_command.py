"""`jinguo metrics`: figures on the terminal, a full recount, clear errors."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jinguo.metrics.tests.conftest import MakeActivity
from jinguo.orgunits.models import OrgUnit
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db


def test_show_and_rebuild(tree: Tree, village: OrgUnit, make_activity: MakeActivity) -> None:
    make_activity(village, dt.date(2014, 3, 8), counted=1234)
    out = StringIO()
    call_command(
        "metrics",
        "show",
        "--unit",
        tree.county.code,
        "--period",
        "2014",
        "activities.counted",
        stdout=out,
    )
    assert "1,234" in out.getvalue()
    call_command("metrics", "rebuild", stdout=StringIO())
    out = StringIO()
    call_command(
        "metrics",
        "show",
        "--unit",
        tree.county.code,
        "--period",
        "2014Q1",
        "activities.counted",
        stdout=out,
    )
    assert "1,234" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--unit", "999999", "--period", "2014"], "999999"),
        (["--unit", "150525", "--period", "2014Q9"], "2014Q9"),
        (["--unit", "150525", "--period", "2014", "no.such"], "no.such"),
    ],
)
def test_errors_name_what_is_wrong(tree: Tree, args: list[str], words: str) -> None:
    with pytest.raises(CommandError, match=words):
        call_command("metrics", "show", *args, stdout=StringIO())
