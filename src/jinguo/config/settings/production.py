"""Production settings: every secret from the environment, HTTPS everywhere."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from jinguo.core.crypto import parse_key_ring

from .base import *  # noqa: F403
from .base import DATA_KEY, INDEX_KEY, SECRET_KEY, env_bool

if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("JINGUO_SECRET_KEY must be set to at least 50 random characters.")
if not DATA_KEY:
    raise ImproperlyConfigured("JINGUO_DATA_KEY must be set (see docs/operations.md).")
# Refuse to start with a malformed key rather than fail at the first encrypted read or write.
parse_key_ring(DATA_KEY, INDEX_KEY)

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("JINGUO_SSL_REDIRECT", True)
# Behind a reverse proxy that appends the client's address to X-Forwarded-For: audit entries
# and the check-in limits then see the client, not the proxy (core.middleware.client_ip).
JINGUO_BEHIND_PROXY = env_bool("JINGUO_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
