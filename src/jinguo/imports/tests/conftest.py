"""Fixtures the import-type tests share (their plain helpers are in `helpers`)."""

from __future__ import annotations

import pytest

from jinguo.activities.models import VolunteerTeam
from jinguo.imports.tests.helpers import TEAM, make_team
from jinguo.testing import Tree


@pytest.fixture
def team(tree: Tree) -> VolunteerTeam:
    """巾帼志愿服务队, a team of the first township."""
    return make_team(tree.townships[0], TEAM)
