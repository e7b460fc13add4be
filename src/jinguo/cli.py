"""The `jinguo` command: Django's management commands plus a few short names.

jinguo serve [--bind 127.0.0.1:8000]   the web server (gunicorn)
jinguo worker                          the background task worker
jinguo audit verify                    check the audit log's hash chain
jinguo <any manage.py command>         e.g. jinguo migrate, jinguo demo
"""

from __future__ import annotations

import os
import sys

# The request path without its query string: a search for an ID number or a phone must not
# land in the access log (%(U)s is the path alone, %(r)s would be the whole request line).
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinguo.config.settings.local")
    if args[:1] == ["worker"]:
        args = ["db_worker", *args[1:]]
    if args[:1] == ["serve"]:
        serve(args[1:])
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jinguo", *args])


def serve(args: list[str]) -> None:
    """Run gunicorn with the settings chosen by DJANGO_SETTINGS_MODULE."""
    bind = "127.0.0.1:8000"
    if args[:1] == ["--bind"] and len(args) > 1:
        bind = args[1]
    os.execvp(  # noqa: S606 - replaces this process with the server on purpose
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "jinguo.config.wsgi:application",
            "--bind",
            bind,
            "--workers",
            os.environ.get("JINGUO_WORKERS", "2"),
            "--access-logfile",
            "-",
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            "--env",
            f"DJANGO_SETTINGS_MODULE={os.environ['DJANGO_SETTINGS_MODULE']}",
        ],
    )


if __name__ == "__main__":
    main()
