"""Settings: production passes Django's deployment check; SQLite runs in WAL with a timeout."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db.utils import ConnectionHandler

from jinguo.config.settings.base import database_config

DATA_KEY = "ZGF0YS1rZXktMzItYnl0ZXMtbG9uZy1mb3ItdGVzdHM="


def run_with_production_settings(tmp_path: Path, *args: str, **env: str):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("JINGUO_", "DJANGO_"))}
    environ.update(
        DJANGO_SETTINGS_MODULE="jinguo.config.settings.production",
        JINGUO_VAR_DIR=str(tmp_path),
        **env,
    )
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, *args], env=environ, capture_output=True, text=True, check=False
    )


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path: Path) -> None:
    result = run_with_production_settings(
        tmp_path,
        "-m",
        "django",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        JINGUO_SECRET_KEY=secrets.token_urlsafe(60)[:60],
        JINGUO_DATA_KEY=DATA_KEY,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("secret_key", "data_key", "complaint"),
    [
        ("", DATA_KEY, "JINGUO_SECRET_KEY"),
        ("too-short-" * 4, DATA_KEY, "JINGUO_SECRET_KEY"),
        (secrets.token_urlsafe(60)[:60], "", "JINGUO_DATA_KEY"),
    ],
    ids=["no-secret-key", "short-secret-key", "no-data-key"],
)
def test_production_refuses_to_start_without_its_secrets(
    tmp_path: Path, secret_key: str, data_key: str, complaint: str
) -> None:
    result = run_with_production_settings(
        tmp_path,
        "-c",
        "import django; django.setup()",
        JINGUO_SECRET_KEY=secret_key,
        JINGUO_DATA_KEY=data_key,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


# --- the database ---------------------------------------------------------------------------------


def test_sqlite_urls_get_wal_a_busy_timeout_and_immediate_transactions(tmp_path: Path) -> None:
    config = database_config(f"sqlite:///{tmp_path / 'x.sqlite3'}")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["CONN_MAX_AGE"] == 0
    options = config["OPTIONS"]
    assert isinstance(options, dict)
    assert options["timeout"] == 20
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL;" in options["init_command"]
    assert "PRAGMA busy_timeout=20000;" in options["init_command"]


def test_postgresql_urls_keep_connections_and_get_no_sqlite_pragmas() -> None:
    config = database_config("postgres://jinguo@db.example:5432/jinguo")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["CONN_MAX_AGE"] == 60
    assert (config["HOST"], config["NAME"]) == ("db.example", "jinguo")
    options = config.get("OPTIONS") or {}
    assert isinstance(options, dict)
    assert "init_command" not in options


@pytest.mark.django_db
def test_a_sqlite_file_database_opens_in_wal_mode_with_the_busy_timeout(tmp_path: Path) -> None:
    connections = ConnectionHandler(
        {"default": database_config(f"sqlite:///{tmp_path / 'jinguo.sqlite3'}")}
    )
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            pragmas = {}
            for pragma in ["journal_mode", "busy_timeout", "foreign_keys", "synchronous"]:
                cursor.execute(f"PRAGMA {pragma}")
                pragmas[pragma] = cursor.fetchone()[0]
    finally:
        connection.close()

    assert pragmas == {
        "journal_mode": "wal",
        "busy_timeout": 20000,
        "foreign_keys": 1,
        "synchronous": 1,  # NORMAL: safe with WAL, far fewer fsyncs
    }


# --- security settings in force everywhere --------------------------------------------------------


def test_sessions_time_out_after_thirty_idle_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_login_lockout_is_five_failures_for_fifteen_minutes_per_account() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 0.25
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_the_site_speaks_chinese_first_in_china_time() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_pages_may_not_be_framed_or_load_foreign_scripts() -> None:
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
