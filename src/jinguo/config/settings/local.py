"""Single-PC and demo settings: SQLite under var/, debug pages on unless told otherwise."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("JINGUO_DEBUG", True)
SECRET_KEY = (
    os.environ.get("JINGUO_SECRET_KEY") or "local-only-secret-key-not-for-production-use-0123456789"
)
# A fixed demo key keeps the demo data readable across restarts; production sets its own.
DEMO_DATA_KEY = "ZGVtby1vbmx5LWRhdGEta2V5LTMyLWJ5dGVzLWxvbmc="
DATA_KEY = os.environ.get("JINGUO_DATA_KEY") or DEMO_DATA_KEY
