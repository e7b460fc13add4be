from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from jinguo.accounts.models import User
from jinguo.accounts.services import api_token_create
from jinguo.activities.tests.conftest import (  # noqa: F401 - fixtures for the activities API tests
    make_activity,
)
from jinguo.people.tests.conftest import (  # noqa: F401 - fixtures for the programmes API tests
    far_village,
    make_person,
    neighbour_village,
    village,
)
from jinguo.programmes.tests.conftest import (  # noqa: F401 - fixtures for the programmes API tests
    county_staff,
    fund,
    make_programme,
    woman,
)

BASE = "/api/v1"


class Api:
    """The HTTP API as a script sees it: JSON in and out, a bearer token on every call."""

    def __init__(self, client: Client, key: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"{BASE}{path}", params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            f"{BASE}{path}",
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self.headers,
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            f"{BASE}{path}", json.dumps(body), content_type="application/json", headers=self.headers
        )

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(
            f"{BASE}{path}", json.dumps(body), content_type="application/json", headers=self.headers
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(f"{BASE}{path}", headers=self.headers)


def api_for(client: Client, user: User | None) -> Api:
    if user is None:
        return Api(client, None)
    _token, key = api_token_create(user=user, name="test script")
    return Api(client, key)


@pytest.fixture
def as_user(client: Client):
    return lambda user: api_for(client, user)
