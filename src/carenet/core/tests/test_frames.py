"""Pages with a kept frame give the same page as a full render, with per-request parts."""

from __future__ import annotations

import re

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from carenet.conftest import client_for
from carenet.core import frames

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _fresh_frames():
    frames.forget()
    yield
    frames.forget()


def _request(path: str = "/services/?q=a") -> HttpRequest:
    request = RequestFactory().get(path)
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    MessageMiddleware(lambda r: HttpResponse()).process_request(request)
    request.user = AnonymousUser()
    return request


def _both(path: str, context: dict, live: tuple[str, ...]) -> tuple[str, str]:
    framed = frames.render(_request(path), "directory/search.html", context, live=live)
    full = render(_request(path), "directory/search.html", context)
    return framed.content.decode(), full.content.decode()


def test_it_gives_the_page_a_full_render_gives(db):
    context = {
        "form_html": mark_safe("<form>the form</form>"),
        "results_html": mark_safe("<ol><li>a result</li></ol>"),
    }
    for language in ("en", "uk", "pl"):
        with translation.override(language):
            for _ in range(2):  # the first renders the frame, the second reuses it
                framed, full = _both("/services/?q=a", context, ("form_html", "results_html"))
                assert TOKEN.sub("TOKEN", framed) == TOKEN.sub("TOKEN", full)
                assert f'lang="{language}"' in framed
                assert "<li>a result</li>" in framed


def test_it_fills_in_each_request_s_own_parts(db):
    live = ("form_html", "results_html")
    first = frames.render(
        _request("/services/?q=one"),
        "directory/search.html",
        {"form_html": mark_safe("<p>first form</p>"), "results_html": mark_safe("")},
        live=live,
    ).content.decode()
    hostile = _request('/services/?q="><script>x</script>')
    hostile.META["QUERY_STRING"] = "q='x'&lang=\"><script>"  # as a raw client may send it
    second = frames.render(
        hostile,
        "directory/search.html",
        {"form_html": mark_safe("<p>second form</p>"), "results_html": mark_safe("")},
        live=live,
    ).content.decode()
    assert "first form" in first and "first form" not in second
    assert "second form" in second
    assert 'name="next" type="hidden" value="/services/?q=one"' in first
    # The address is escaped like any template value: no markup from the query string.
    assert "<script>" not in second
    assert 'value="/services/?q=&#x27;x&#x27;&amp;lang=%22%3E%3Cscript%3E"' in second
    assert "\x00" not in first + second
    assert TOKEN.search(first).group(0) != TOKEN.search(second).group(0)


def test_its_csrf_token_is_accepted(db):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/services/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("set_language"),
        {"language": "uk", "next": "/services/", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert 'lang="uk"' in client.get("/services/").content.decode()


def test_signed_in_people_get_their_own_header(people):
    page = client_for(people.coordinator).get("/services/").content.decode()
    assert reverse("accounts:logout") in page
    assert reverse("accounts:login") not in page
    anonymous = Client().get("/services/").content.decode()
    assert reverse("accounts:login") in anonymous
    assert reverse("accounts:logout") not in anonymous


def test_a_waiting_message_is_shown_once(db):
    request = _request("/services/")
    messages.info(request, "Your request was received.")
    page = frames.render(
        request,
        "directory/search.html",
        {"form_html": mark_safe(""), "results_html": mark_safe("")},
        live=("form_html", "results_html"),
    ).content.decode()
    assert "Your request was received." in page
    assert messages.get_messages(request).used  # shown now, not again on the next page
