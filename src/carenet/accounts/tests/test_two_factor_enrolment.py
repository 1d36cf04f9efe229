"""First-time two-factor set-up needs a fresh link for roles that see client data, and the
sign-in lock-out counts failures per account and per address."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from carenet.accounts import two_factor
from carenet.conftest import PASSWORD, People, client_for, make_user

LOGIN = "/accounts/sign-in/"
SETUP = "/accounts/two-factor/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def guarded(people: People, settings: Any) -> People:
    settings.CARENET_REQUIRE_2FA = True
    return people


def _link_in(message: Any) -> str:
    found = re.search(r"https?://\S+/accounts/two-factor/enrol/\S+/", message.body)
    assert found, message.body
    return urlsplit(found.group(0)).path


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "E-mail me a set-up link"), ("uk", "Надіслати мені посилання для налаштування")],
)
def test_a_password_alone_does_not_show_the_secret(
    guarded: People, language: str, words: str
) -> None:
    client = client_for(guarded.practitioner)
    page = client.get(SETUP, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    device = two_factor.device_for(guarded.practitioner)
    assert words in page
    assert two_factor.secret_b32(device) not in page and "<svg" not in page
    # nor can a code be confirmed without the link
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post(SETUP, {"token": code, "next": "/"})
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed


def test_the_e_mailed_link_opens_the_set_up_with_a_new_secret(guarded: People) -> None:
    client = client_for(guarded.practitioner)
    old_key = two_factor.device_for(guarded.practitioner).key
    client.post(SETUP, {"send": "1", "next": "/"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [guarded.practitioner.email]
    client.post(SETUP, {"send": "1", "next": "/"})
    assert len(mail.outbox) == 1  # not twice in a minute
    link = _link_in(mail.outbox[0])
    assert client.get(link).status_code == 302
    device = two_factor.device_for(guarded.practitioner)
    assert device.key != old_key  # a secret seen before is worthless
    page = client.get(SETUP).content.decode()
    assert two_factor.secret_b32(device) in page
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post(SETUP, {"token": code, "next": "/"})["Location"] == "/"
    assert two_factor.device_for(guarded.practitioner).confirmed
    # used: the link does not open a set-up again
    assert not two_factor.token_is_valid(guarded.practitioner, link.rstrip("/").split("/")[-1])


def test_a_link_works_only_for_its_own_account_and_not_after_a_password_change(
    guarded: People,
) -> None:
    token = two_factor.enrolment_token(guarded.practitioner)
    other = client_for(guarded.org_admin)
    other.get(reverse("accounts:two_factor_enrol", args=[token]))
    assert "<svg" not in other.get(SETUP).content.decode()
    assert not two_factor.token_is_valid(guarded.practitioner, token + "x")
    guarded.practitioner.set_password("a-new-long-password-1")
    guarded.practitioner.save()
    assert not two_factor.token_is_valid(guarded.practitioner, token)
    # anonymous: sent to sign in first
    response = Client().get(reverse("accounts:two_factor_enrol", args=[token]))
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_an_administrator_can_issue_a_link(guarded: People, capsys: Any) -> None:
    call_command("two_factor_link", guarded.practitioner.email)
    url = capsys.readouterr().out.strip()
    token = url.rstrip("/").split("/")[-1]
    assert two_factor.token_is_valid(guarded.practitioner, token)
    with pytest.raises(Exception, match="No active account"):
        call_command("two_factor_link", "nobody@example.org")


def test_a_role_without_client_data_sets_up_without_a_link(guarded: People) -> None:
    page = client_for(guarded.coordinator).get(SETUP).content.decode()
    assert "<svg" in page  # nothing to protect from a password thief beyond the password


def test_one_address_cannot_spray_a_password_over_many_accounts(
    people: People, settings: Any
) -> None:
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        make_user(f"someone{i}@alpha.org")
        client.post(LOGIN, {"username": f"someone{i}@alpha.org", "password": "Spring2026!"})
    response = client.post(LOGIN, {"username": people.viewer.email, "password": PASSWORD})
    assert response.status_code == 429


def test_one_account_is_locked_whatever_the_address(people: People, settings: Any) -> None:
    for i in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"10.0.0.{i + 1}").post(
            LOGIN, {"username": people.viewer.email, "password": "wrong-password"}
        )
    fresh = Client(REMOTE_ADDR="10.0.1.1")
    response = fresh.post(LOGIN, {"username": people.viewer.email, "password": PASSWORD})
    assert response.status_code == 429


def test_behind_a_proxy_the_client_address_is_read_from_the_right(settings: Any) -> None:
    from django.test import RequestFactory

    from carenet.core.audit import client_ip

    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    settings.CARENET_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"
    settings.CARENET_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # not the address the client wrote
