"""Signing in: lockout after five failures, forced password change, idle timeout."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

WRONG = "Wrong-password-1"


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_signs_in_and_goes_home(client: Client) -> None:
    make_user("meili")

    response = sign_in(client, "meili", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in(client)


def test_a_wrong_password_shows_the_form_again(client: Client) -> None:
    make_user("meili")

    response = sign_in(client, "meili", WRONG)

    assert response.status_code == 200
    assert not signed_in(client)
    assert response.context["form"].errors


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    client: Client,
) -> None:
    make_user("meili")
    statuses = [sign_in(client, "meili", WRONG).status_code for _ in range(5)]

    response = sign_in(client, "meili", PASSWORD)

    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert not signed_in(client)


def test_four_wrong_passwords_do_not_lock_and_success_resets_the_count(client: Client) -> None:
    make_user("meili")
    for _ in range(4):
        sign_in(client, "meili", WRONG)

    assert sign_in(client, "meili", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "meili", WRONG)
    assert sign_in(client, "meili", PASSWORD).status_code == 302


def test_the_lock_is_on_the_account_not_on_the_office_address(client: Client) -> None:
    """Township staff share one NAT address; one person's typos must not lock the others."""
    make_user("meili")
    make_user("xiaohong")
    for _ in range(5):
        sign_in(client, "meili", WRONG)

    assert sign_in(client, "xiaohong", PASSWORD).status_code == 302


def test_the_lock_lasts_fifteen_minutes(client: Client) -> None:
    make_user("meili")
    for _ in range(5):
        sign_in(client, "meili", WRONG)
    assert settings.AXES_COOLOFF_TIME * 60 == 15

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=14))
    assert sign_in(client, "meili", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert sign_in(client, "meili", PASSWORD).status_code == 302


def test_an_inactive_user_cannot_sign_in(client: Client) -> None:
    user = make_user("meili")
    User.objects.filter(pk=user.pk).update(is_active=False)

    sign_in(client, "meili", PASSWORD)

    assert not signed_in(client)


# --- forced password change -----------------------------------------------------------------------


def test_a_user_with_an_initial_password_is_sent_to_choose_her_own(client: Client) -> None:
    client.force_login(make_user("meili", must_change_password=True))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('password_change')}?next=%2F"


def test_the_page_asked_for_is_kept_with_its_query(client: Client) -> None:
    client.force_login(make_user("meili", must_change_password=True))

    response = client.get(reverse("unit_index"), {"q": "村", "kind": "village"})

    assert response["Location"] == (
        f"{reverse('password_change')}?next=%2Funits%2F%3Fq%3D%25E6%259D%2591%26kind%3Dvillage"
    )


def test_the_password_page_itself_stays_reachable(client: Client) -> None:
    client.force_login(make_user("meili", must_change_password=True))

    response = client.get(reverse("password_change"))

    assert response.status_code == 200
    assert response.context["forced"] is True


def test_choosing_a_password_lifts_the_redirect(client: Client) -> None:
    user = make_user("meili", must_change_password=True)
    client.force_login(user)

    response = client.post(
        f"{reverse('password_change')}?next=/units/",
        {
            "old_password": PASSWORD,
            "new_password1": "Xin-mima-2025",
            "new_password2": "Xin-mima-2025",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/units/"
    user.refresh_from_db()
    assert not user.must_change_password
    assert signed_in(client)
    assert client.get(reverse("home")).status_code == 200


def test_the_password_page_does_not_redirect_off_site(client: Client) -> None:
    client.force_login(make_user("meili", must_change_password=True))

    response = client.post(
        f"{reverse('password_change')}?next=https://evil.example/",
        {
            "old_password": PASSWORD,
            "new_password1": "Xin-mima-2025",
            "new_password2": "Xin-mima-2025",
        },
    )

    assert response["Location"] == reverse("home")


def test_a_weak_new_password_is_refused_on_the_page(client: Client) -> None:
    user = make_user("meili", must_change_password=True)
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "meili123", "new_password2": "meili123"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    user.refresh_from_db()
    assert user.must_change_password


# --- idle timeout ---------------------------------------------------------------------------------


def test_sessions_expire_after_thirty_idle_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_each_request_pushes_the_session_expiry_forward(client: Client) -> None:
    client.force_login(make_user("meili"))
    session_key = client.session.session_key
    Session.objects.filter(session_key=session_key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=5)
    )

    client.get(reverse("home"))

    expires = Session.objects.get(session_key=session_key).expire_date
    assert expires > timezone.now() + dt.timedelta(minutes=29)
