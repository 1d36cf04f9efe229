"""Scan to form on a phone: the poster's QR code opens the anonymous feedback form, a person
answers in Ukrainian, the site's manager responds with a "you said, we did" note, and the
note shows on the public page."""

from __future__ import annotations

import io
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from carenet.accounts import services as account_services
from carenet.accounts.models import Role, User
from carenet.directory import services as directory_services
from carenet.feedback.models import Feedback
from carenet.feedback.reference import load_reference
from carenet.geo.models import AdminArea, BoundarySet
from tests_browser.conftest import SCREENSHOTS, axe_violations, screenshot, sign_in

PASSWORD = "feedback-browser-test-2026"


@pytest.fixture
def place(transactional_db: None, settings: Any) -> dict[str, Any]:
    settings.CARENET_REQUIRE_2FA = False
    load_reference()
    ua = BoundarySet.objects.create(country="UA", version="browser-test")
    oblast = AdminArea.objects.create(
        pcode="UA32", level=1, path="UA32/", country="UA", boundary_set=ua, name_en="Kyivska"
    )
    irpin = AdminArea.objects.create(
        pcode="UA3208015",
        level=3,
        parent=oblast,
        path="UA32/UA3208015/",
        country="UA",
        boundary_set=ua,
        name_en="Irpinska",
    )
    org = account_services.organisation_create(
        actor=None, name="Alpha Psychosocial", acronym="ALPHA", kind="nngo", country="UA"
    )
    manager = User.objects.create_user("manager@alpha.org", PASSWORD)
    account_services.membership_set(
        actor=None, user=manager, organisation=org, role=Role.FOCAL_POINT
    )
    site = directory_services.site_create(
        actor=None,
        organisation=org,
        data={"name_en": "Irpin Resilience Centre", "kind": "resilience_centre", "area": irpin},
    )
    return {"site": site, "manager": manager}


def _decode_qr(page: Any, name: str) -> str:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.locator(".qr svg").screenshot(path=str(path))
    results = zxingcpp.read_barcodes(Image.open(path).convert("L"))
    assert len(results) == 1, "the poster's QR code could not be read"
    return results[0].text


def test_scan_answer_in_ukrainian_respond_and_see_the_note(
    page: Any, browser: Any, place: dict[str, Any]
) -> None:
    site = place["site"]
    form_url = f"{page.base}/feedback/{site.uuid}/"

    # The printed poster (Ukrainian) carries a QR code of the form's address.
    page.goto(f"{page.base}/feedback/{site.uuid}/poster/?lang=uk")
    assert page.locator("h1").inner_text() == "Як пройшов ваш візит?"
    screenshot(page, "feedback-poster-uk")
    scanned = _decode_qr(page, "feedback-poster-qr")
    assert scanned == form_url
    printed = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    assert len(printed.pages) == 1, "the poster prints on one A4 page"
    assert "Як пройшов ваш візит?" in printed.pages[0].extract_text()

    # Scanning opens the form on the phone; the person reads it in Ukrainian.
    page.goto(scanned)
    page.select_option("#lang-select", "uk")
    page.click("form.lang button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Розкажіть, що ви думаєте"
    assert axe_violations(page) == []
    page.check("input[name=q_welcome][value='5']")
    page.check("input[name=q_helped][value='4']")
    page.fill("textarea[name=text]", "Дуже довго чекали в коридорі, але дякую за підтримку.")
    page.wait_for_timeout(3200)  # a person takes longer than the minimum fill time
    screenshot(page, "feedback-form-uk-phone")
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    assert "Дякуємо" in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    item = Feedback.objects.get()
    assert item.language == "uk" and item.text.startswith("Дуже довго")

    # The site's manager reads it and publishes what was done about it.
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-GB")
    manager = context.new_page()
    manager.set_default_timeout(15_000)
    manager.base = page.base
    sign_in(manager, "manager@alpha.org", PASSWORD)
    manager.goto(f"{page.base}/feedback/inbox/")
    manager.click(f"a[href='/feedback/inbox/{item.uuid}/']")
    assert "Дуже довго чекали" in manager.content()
    manager.check("label:has-text('Waiting time') input")
    manager.fill("input[name=you_said]", "Довго чекати в коридорі")
    manager.fill("input[name=we_did]", "Запис за телефоном і кімната очікування")
    manager.click("form.stack button[type=submit]")
    manager.wait_for_load_state()
    assert "The public note is published." in manager.content()
    screenshot(manager, "feedback-manager-responded")
    context.close()

    # The public page shows the note, in Ukrainian.
    page.goto(form_url)
    notes = page.locator("section[aria-labelledby=notes-title]")
    assert "Ви сказали — ми зробили" in notes.inner_text()
    assert "Запис за телефоном і кімната очікування" in notes.inner_text()
    screenshot(page, "feedback-public-note")
