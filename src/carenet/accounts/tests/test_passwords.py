"""Password reset and change, other sessions: Django's views with CareNet's rules."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from carenet.accounts import services
from carenet.accounts.models import User
from carenet.conftest import PASSWORD, People, client_for
from carenet.core.models import AuditEntry

RESET = "/accounts/password/reset/"


@pytest.fixture
def fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in(user: User, password: str = PASSWORD) -> Client:
    """A browser signed in through the sign-in page (as a person would)."""
    client = Client()
    response = client.post("/accounts/sign-in/", {"username": user.email, "password": password})
    assert response.status_code == 302, "sign-in failed"
    return client


def without_tokens(page: bytes) -> str:
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", page.decode())


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Forgotten password"), ("uk", "Забутий пароль"), ("pl", "Zapomniane hasło")],
)
def test_reset_page_answers_in_each_language(db: None, language: str, heading: str) -> None:
    response = Client().get(RESET, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert heading in response.content.decode()


def test_reset_answers_the_same_for_known_and_unknown_addresses(people: People) -> None:
    known = Client().post(RESET, {"email": people.focal_point.email})
    unknown = Client().post(RESET, {"email": "nobody-here@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    page_known = Client().get(known["Location"]).content
    page_unknown = Client().get(unknown["Location"]).content
    assert without_tokens(page_known) == without_tokens(page_unknown)
    assert [m.to for m in mail.outbox] == [[people.focal_point.email]]


def test_reset_link_sets_a_new_password_and_ends_old_sessions(
    people: People, fast_hasher: None
) -> None:
    user = people.viewer
    user.set_password(PASSWORD)
    user.save()
    old = signed_in(user)
    Client().post(RESET, {"email": user.email.upper()})
    body = mail.outbox[0].body
    assert "http://" in body and user.email not in mail.outbox[0].subject
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", body)
    assert link is not None
    client = Client()
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new = "a-new-long-passphrase-42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    signed_in(user, new)
    assert old.get(reverse("accounts:account")).status_code == 302  # signed out


def test_reset_sends_nothing_to_a_deactivated_account(people: People) -> None:
    services.user_deactivate(actor=None, user=people.viewer)
    Client().post(RESET, {"email": people.viewer.email})
    assert mail.outbox == []


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    people: People, fast_hasher: None
) -> None:
    user = people.focal_point
    user.set_password(PASSWORD)
    user.save()
    here, elsewhere = signed_in(user), signed_in(user)
    new = "another-long-passphrase-7"
    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert here.get(reverse("accounts:account")).status_code == 200
    assert elsewhere.get(reverse("accounts:account")).status_code == 302


def test_sign_out_of_other_sessions_keeps_only_this_one(people: People, fast_hasher: None) -> None:
    user = people.focal_point
    user.set_password(PASSWORD)
    user.save()
    here, elsewhere = signed_in(user), signed_in(user)
    assert elsewhere.get(reverse("accounts:account")).status_code == 200
    response = here.post(reverse("accounts:sessions_end_others"))
    assert response.status_code == 302
    assert here.get(reverse("accounts:account")).status_code == 200
    assert elsewhere.get(reverse("accounts:account")).status_code == 302
    assert AuditEntry.objects.filter(detail="other sessions ended", actor=user).exists()


def test_sign_out_of_other_sessions_takes_a_post(people: People) -> None:
    response = client_for(people.viewer).get(reverse("accounts:sessions_end_others"))
    assert response.status_code == 405


def test_account_page_needs_sign_in(db: None) -> None:
    response = Client().get(reverse("accounts:account"))
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
