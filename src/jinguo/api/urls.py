"""The HTTP API at /api/v1/: same services, same scope rules as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from jinguo.api.activities import (
    activities_router,
    needs_router,
    pairings_router,
    teams_router,
    visits_router,
    volunteers_router,
)
from jinguo.api.auth import TokenAuth
from jinguo.api.donations import (
    campaigns_router,
    disbursements_router,
    donations_router,
    donors_router,
    handovers_router,
    places_router,
)
from jinguo.api.metrics import router as metrics_router
from jinguo.api.orgunits import router as orgunits_router
from jinguo.api.people import households_router
from jinguo.api.people import router as people_router
from jinguo.api.programmes import (
    benefits_router,
    enrolments_router,
    funds_router,
    loans_router,
    organisations_router,
    programmes_router,
    projects_router,
)
from jinguo.api.users import router as users_router
from jinguo.core.errors import ApplicationError

api = NinjaAPI(
    title="Jinguo API",
    version="1",
    description=(
        "Org units, users, people and households, programmes with their enrolments, benefits, "
        "funds, loans and projects; activities with their attendance and check-in codes, "
        "volunteer teams, volunteers and their hours, pairings, village visits and needs; "
        "donors, campaigns and donations, charity places with their stock and stock-takes, "
        "disbursements and hand-overs, "
        "the declared metrics and their figures, "
        "of Jinguo (巾帼). "
        "Authenticate with `Bearer <token>`."
    ),
    auth=TokenAuth(),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)
api.add_router("/orgunits", orgunits_router)
api.add_router("/users", users_router)
api.add_router("/people", people_router)
api.add_router("/households", households_router)
api.add_router("/organisations", organisations_router)
api.add_router("/programmes", programmes_router)
api.add_router("/enrolments", enrolments_router)
api.add_router("/benefits", benefits_router)
api.add_router("/funds", funds_router)
api.add_router("/loans", loans_router)
api.add_router("/projects", projects_router)
api.add_router("/activities", activities_router)
api.add_router("/volunteer-teams", teams_router)
api.add_router("/volunteers", volunteers_router)
api.add_router("/pairings", pairings_router)
api.add_router("/village-visits", visits_router)
api.add_router("/needs", needs_router)
api.add_router("/donors", donors_router)
api.add_router("/campaigns", campaigns_router)
api.add_router("/donations", donations_router)
api.add_router("/charity-places", places_router)
api.add_router("/disbursements", disbursements_router)
api.add_router("/handovers", handovers_router)
api.add_router("/metrics", metrics_router)


def _bilingual(code: str, zh: str, en: str) -> dict[str, str | None]:
    return {"code": code, "field": None, "message": zh, "message_en": en}


# Refusals that are not the request's fault: a stale version means "read it again".
_APPLICATION_ERROR_STATUS = {"edit_conflict": 409}


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    status = _APPLICATION_ERROR_STATUS.get(exc.code, 400)
    return api.create_response(request, exc.as_dict(), status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, _bilingual("not_found", "未找到。", "Not found."), status=404
    )


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    body = _bilingual("forbidden", "您没有执行此操作的权限。", "You are not allowed to do this.")
    return api.create_response(request, body, status=403)


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = _bilingual(
        "unauthorised", "令牌无效或已过期。", "The token is missing, invalid or expired."
    )
    return api.create_response(request, body, status=401)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "where": ".".join(str(part) for part in error.get("loc", [])),
            "problem": error.get("msg", ""),
        }
        for error in exc.errors
    ]
    body = {
        **_bilingual(
            "invalid",
            "请求内容有误,请检查以下字段。",
            "The request is not valid; see the fields below.",
        ),
        "errors": errors,
    }
    return api.create_response(request, body, status=422)
