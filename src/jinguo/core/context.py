"""The request a piece of code is running for, carried in context variables.

Services record who did what from where without every call passing the request along.
Background tasks and commands run with an empty context ("-" and no address).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    client_ip: str | None


_current: ContextVar[RequestContext | None] = ContextVar("jinguo_request", default=None)


def current() -> RequestContext:
    return _current.get() or RequestContext(request_id="-", client_ip=None)


@contextmanager
def bound(
    *, request_id: str | None = None, client_ip: str | None = None
) -> Iterator[RequestContext]:
    context = RequestContext(request_id=request_id or uuid.uuid4().hex, client_ip=client_ip)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
