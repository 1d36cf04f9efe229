"""Signing in: by e-mail, lock-out, two factors for client-data roles, acting organisation."""

from __future__ import annotations

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from carenet.accounts import two_factor
from carenet.conftest import PASSWORD, client_for

LOGIN = "/accounts/sign-in/"


def test_it_signs_in_by_e_mail_in_any_case(people, client):
    response = client.post(LOGIN, {"username": "VIEWER@Alpha.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == people.viewer


def test_it_refuses_a_wrong_password_with_a_clear_message(people, client):
    response = client.post(LOGIN, {"username": people.viewer.email, "password": "nope-nope"})
    assert response.status_code == 200
    assert "not right" in response.content.decode()


def test_it_locks_out_after_repeated_failures(people, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": people.viewer.email, "password": "wrong-password"})
    response = client.post(LOGIN, {"username": people.viewer.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_passwords_are_hashed_with_argon2(people):
    assert people.viewer.password.startswith("argon2")


def test_client_data_roles_must_pass_two_factor(people, settings):
    settings.CARENET_REQUIRE_2FA = True
    practitioner = client_for(people.practitioner)
    response = practitioner.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    # A coordinator never sees client data and is not asked.
    assert client_for(people.coordinator).get("/").status_code == 200


def _open_enrolment_link(client, user):
    """The e-mailed (or administrator-issued) set-up link, opened signed in."""
    two_factor.device_for(user)
    url = reverse("accounts:two_factor_enrol", args=[two_factor.enrolment_token(user)])
    assert client.get(url).status_code == 302


def test_two_factor_setup_then_sign_in_with_a_code(people, settings):
    settings.CARENET_REQUIRE_2FA = True
    client = client_for(people.practitioner)
    page = client.get(reverse("accounts:two_factor"))
    assert "<svg" not in page.content.decode()  # a password alone does not show the secret
    _open_enrolment_link(client, people.practitioner)
    page = client.get(reverse("accounts:two_factor"))
    assert "<svg" in page.content.decode()  # the QR code to scan
    device = TOTPDevice.objects.get(user=people.practitioner)
    wrong = client.post(reverse("accounts:two_factor"), {"token": "000000", "next": "/"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    device = TOTPDevice.objects.get(pk=device.pk)
    device.throttle_reset()  # django-otp throttles after a wrong code; skip the wait
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(reverse("accounts:two_factor"), {"token": code, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert two_factor.device_for(people.practitioner).confirmed


def test_two_factor_next_cannot_leave_the_site(people, settings):
    settings.CARENET_REQUIRE_2FA = True
    client = client_for(people.practitioner)
    _open_enrolment_link(client, people.practitioner)
    device = TOTPDevice.objects.get(user=people.practitioner)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(
        reverse("accounts:two_factor"), {"token": code, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_switching_to_an_organisation_one_belongs_to(people):
    from carenet.accounts import services
    from carenet.accounts.models import Role

    services.membership_set(
        actor=None, user=people.viewer, organisation=people.org_b, role=Role.FOCAL_POINT
    )
    client = client_for(people.viewer)
    client.post(
        reverse("accounts:switch_organisation"),
        {"organisation": str(people.org_b.uuid), "next": "/"},
    )
    assert client.get("/").context["acting_organisation"] == people.org_b


def test_switching_to_a_foreign_organisation_is_refused(people):
    client = client_for(people.viewer)
    response = client.post(
        reverse("accounts:switch_organisation"),
        {"organisation": str(people.org_b.uuid), "next": "/"},
        follow=True,
    )
    assert "not a member" in response.content.decode()
    assert response.context["acting_organisation"] == people.org_a
    forged = client.post(
        reverse("accounts:switch_organisation"),
        {"organisation": "not-a-uuid", "next": "/"},
        follow=True,
    )
    assert forged.status_code == 200
    assert forged.context["acting_organisation"] == people.org_a
