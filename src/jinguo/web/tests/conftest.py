"""Fixtures of the browser tests: the live server, Debian's Chromium, and the audit log's
append-only triggers, which the live server's database flush needs lifted and which are put
back after each module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from jinguo.web.tests import test_e2e as shell


@pytest.fixture(scope="module", autouse=True)
def _audit_triggers_back(django_db_blocker: Any) -> Iterator[None]:
    yield
    if shell._lifted:
        with django_db_blocker.unblock():
            shell._set_audit_triggers(on=True)


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> Iterator[str]:
    """The live server's address; afterwards the database may be emptied again."""
    yield str(live_server.url)
    shell._set_audit_triggers(on=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shell.CHROMIUM, args=shell.CHROMIUM_ARGS
        )
        yield browser
        browser.close()
