from __future__ import annotations

import pytest

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.testing import Tree, build_tree, make_user


@pytest.fixture
def tree(db: None) -> Tree:
    return build_tree()


@pytest.fixture
def county_admin(tree: Tree) -> User:
    return make_user("county-admin", Role.COUNTY_ADMIN, tree.county)


@pytest.fixture
def township_chair(tree: Tree) -> User:
    return make_user("township-chair", Role.TOWNSHIP_CHAIR, tree.townships[0])


@pytest.fixture
def other_chair(tree: Tree) -> User:
    """Chair of the other township: sees none of the first township's people."""
    return make_user("other-chair", Role.TOWNSHIP_CHAIR, tree.townships[1])


@pytest.fixture
def village_director(tree: Tree) -> User:
    return make_user("village-director", Role.VILLAGE_DIRECTOR, tree.village(0, 0))


@pytest.fixture
def auditor(tree: Tree) -> User:
    return make_user("auditor", Role.AUDITOR, tree.county)
