"""Every request gets an id, bound for the code it runs and returned in X-Request-ID."""

from __future__ import annotations

import logging

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings

from jinguo.core import context
from jinguo.core.middleware import RequestContextLogFilter, RequestContextMiddleware, client_ip

seen: list[context.RequestContext] = []


def remember_context(request: HttpRequest) -> HttpResponse:
    seen.append(context.current())
    return HttpResponse("ok")


@pytest.fixture
def middleware():
    seen.clear()
    return RequestContextMiddleware(remember_context)


def test_a_request_without_an_id_gets_a_fresh_one(rf: RequestFactory, middleware) -> None:
    first = middleware(rf.get("/"))
    second = middleware(rf.get("/"))

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert [c.request_id for c in seen] == [first["X-Request-ID"], second["X-Request-ID"]]


def test_a_well_formed_incoming_id_is_kept(rf: RequestFactory, middleware) -> None:
    response = middleware(rf.get("/", headers={"X-Request-ID": "proxy-7f3a-0001"}))

    assert response["X-Request-ID"] == "proxy-7f3a-0001"
    assert seen[0].request_id == "proxy-7f3a-0001"


@pytest.mark.parametrize(
    "incoming",
    ["short", "has space in it", "x" * 65, "evil\r\nSet-Cookie: a=b", "中文请求编号一二三四", ""],
)
def test_a_malformed_incoming_id_is_replaced(rf: RequestFactory, middleware, incoming) -> None:
    response = middleware(rf.get("/", headers={"X-Request-ID": incoming}))

    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32
    assert seen[0].request_id == response["X-Request-ID"]


def test_the_context_is_bound_only_during_the_request(rf: RequestFactory, middleware) -> None:
    middleware(rf.get("/", REMOTE_ADDR="10.0.0.9"))

    assert seen[0].client_ip == "10.0.0.9"
    assert context.current() == context.RequestContext(request_id="-", client_ip=None)


def test_the_client_address_ignores_forwarded_for_unless_behind_a_proxy(rf: RequestFactory) -> None:
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.9.9.9")

    assert client_ip(request) == "10.0.0.1"
    with override_settings(JINGUO_BEHIND_PROXY=True):
        assert client_ip(request) == "10.9.9.9"


def test_the_middleware_runs_for_real_requests(client: Client) -> None:
    response = client.get("/api/v1/openapi.json", headers={"X-Request-ID": "abcdef-123456"})

    assert response["X-Request-ID"] == "abcdef-123456"


def test_log_records_carry_the_request_id() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "msg", None, None)

    with context.bound(request_id="log-test-0001"):
        assert RequestContextLogFilter().filter(record)

    assert record.request_id == "log-test-0001"  # type: ignore[attr-defined]
