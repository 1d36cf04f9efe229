"""The about page: what CareNet is and where its reference data come from, in every language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carenet.conftest import client_for

# Dataset titles and licences stay as published, whatever the language.
TITLES = ("OCHA COD-AB Ukraine", "KSE Decentralization Data Hub", "HSDS) 3.0", "CC BY-SA 4.0")


def _about(client, language: str) -> str:
    response = client.get(reverse("core:about"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_about_in_ukrainian_translates_the_data_sources(client, db):
    page = _about(client, "uk")
    assert "Джерела даних" in page
    assert "Адміністративні межі та P-коди" in page
    assert "Головне статистичне управління Польщі (GUS), стан на 1 січня 2024 року" in page
    assert "Формат даних довідника послуг" in page
    assert "Коди, позначені як неперевірені" in page
    assert "програмне забезпечення з відкритим кодом" in page
    for english in (
        "Administrative boundaries",
        "Statistics Poland",
        "Service directory",
        "awaiting",
    ):
        assert english not in page
    assert all(title in page for title in TITLES)


def test_about_in_polish_translates_the_data_sources(client, db):
    page = _about(client, "pl")
    assert "Granice administracyjne i P-kody" in page
    assert "Główny Urząd Statystyczny (GUS), stan na 1 stycznia 2024 r." in page
    assert "Format danych katalogu usług" in page
    assert "Administrative boundaries" not in page
    assert all(title in page for title in TITLES)


def test_about_in_english(client, db):
    page = _about(client, "en")
    assert "Administrative boundaries and P-codes" in page
    assert "Service directory data format" in page
    assert all(title in page for title in TITLES)


@pytest.mark.parametrize("language", ["uk", "pl"])
def test_about_is_open_to_anyone_and_to_members_alike(people, language):
    signed_in = _about(client_for(people.viewer), language)
    assert ("Адміністративні межі" if language == "uk" else "Granice administracyjne") in signed_in
