from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.accounts.selectors import user_get, user_list

router = Router(tags=["users"])


class GrantOut(Schema):
    role: Role
    unit_id: int
    unit_name: str


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    is_active: bool
    grants: list[GrantOut]

    @staticmethod
    def resolve_grants(user: User) -> list[dict[str, object]]:
        return [
            {"role": g.role, "unit_id": g.unit_id, "unit_name": g.unit.name}
            for g in user.grants.all()
            if g.revoked_at is None
        ]


@router.get("/me", response=UserOut)
def me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - TokenAuth sets it
    return user


@router.get("/", response=list[UserOut])
def list_users(request: HttpRequest, search: str = "") -> list[User]:
    return list(user_list(request.user, search=search))


@router.get("/{user_id}", response=UserOut)
def get_user(request: HttpRequest, user_id: int) -> User:
    return user_get(request.user, user_id)
