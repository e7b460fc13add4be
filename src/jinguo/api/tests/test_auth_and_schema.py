"""Who may call the API: a live bearer token of an active user who chose her password.

Decision: the OpenAPI schema and the docs page are public. They describe endpoints, not data;
clients and schema-driven test tools (schemathesis) read the schema before they hold a token,
and every operation in it still demands the token.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from jinguo.accounts.models import ApiToken, User
from jinguo.accounts.services import api_token_create, api_token_revoke
from jinguo.api.tests.conftest import Api
from jinguo.testing import Tree, make_user

pytestmark = pytest.mark.django_db

UNAUTHORISED = {
    "code": "unauthorised",
    "field": None,
    "message": "令牌无效或已过期。",
    "message_en": "The token is missing, invalid or expired.",
}


def test_the_openapi_schema_is_served_without_a_token(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Jinguo API"
    assert {
        "/api/v1/orgunits/",
        "/api/v1/orgunits/{unit_id}",
        "/api/v1/orgunits/{unit_id}/children",
        "/api/v1/orgunits/{unit_id}/close",
        "/api/v1/users/",
        "/api/v1/users/me",
        "/api/v1/users/{user_id}",
    } <= set(schema["paths"])


def test_every_operation_in_the_schema_demands_the_bearer_token(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert operations
    assert all(op.get("security") == [{"TokenAuth": []}] for op in operations)


def test_the_docs_page_is_served_and_loads_nothing_from_a_cdn(client: Client) -> None:
    """Deployments sit on government intranets: no CDN, ever."""
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page
    assert "https://" not in page


def test_the_api_root_is_a_plain_404(client: Client) -> None:
    assert client.get("/api/v1/").status_code == 404


def test_no_token_is_401_in_two_languages(tree: Tree, client: Client) -> None:
    response = Api(client, None).get("/orgunits/")

    assert response.status_code == 401
    assert response.json() == UNAUTHORISED


def test_an_unknown_token_is_401(tree: Tree, client: Client) -> None:
    response = Api(client, "jg_not-a-real-token").get("/users/me")

    assert response.status_code == 401
    assert response.json() == UNAUTHORISED


def test_a_session_login_does_not_open_the_api(tree: Tree, village_director, client) -> None:
    client.force_login(village_director)

    assert client.get("/api/v1/users/me").status_code == 401


def test_an_expired_token_is_401(tree: Tree, village_director, client: Client) -> None:
    token, key = api_token_create(user=village_director, name="script", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    assert Api(client, key).get("/users/me").status_code == 401


def test_a_revoked_token_is_401(tree: Tree, village_director, client: Client) -> None:
    token, key = api_token_create(user=village_director, name="script")
    assert Api(client, key).get("/users/me").status_code == 200

    api_token_revoke(user=village_director, token=token)

    assert Api(client, key).get("/users/me").status_code == 401


def test_the_token_of_an_inactive_user_is_401(tree: Tree, village_director, client) -> None:
    _token, key = api_token_create(user=village_director, name="script")
    User.objects.filter(pk=village_director.pk).update(is_active=False)

    assert Api(client, key).get("/users/me").status_code == 401


def test_a_user_who_must_change_her_password_cannot_use_a_token(tree: Tree, client) -> None:
    user = make_user("meili", must_change_password=True)
    _token, key = api_token_create(user=user, name="script")

    assert Api(client, key).get("/users/me").status_code == 401


def test_responses_carry_a_request_id(tree: Tree, village_director, as_user) -> None:
    response = as_user(village_director).get("/users/me")

    assert len(response["X-Request-ID"]) == 32
