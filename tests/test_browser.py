"""Real-browser tests in headless Chromium (Debian's package, driven by Playwright).

An editor logs in, filters the list, reviews a claim end to end, and turns a selection
after an emoji in the annotated article into a claim whose quote is exactly the selection.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from claims import roles
from claims.models import Claim, Evidence, ReviewNote, Source
from tests.factories import ClaimFactory, SourceFactory, UserFactory

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip
PASSWORD = "browser-test-password-7f3a"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium and chromium-driver (make test does as root)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls below are ordinary blocking calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            yield chromium
            chromium.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Every page these tests visit must work under Claimbook's Content-Security-Policy:
    # Chromium reports each blocked script, style or image on the console.
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    yield page
    context.close()
    assert refused == [], refused


@pytest.fixture
def newsroom(groups):
    """The demo, the roles (see the groups fixture) and an editor."""
    call_command("loaddata", "demo", verbosity=0)
    editor = UserFactory(username="editor")
    editor.set_password(PASSWORD)
    editor.save()
    editor.groups.add(groups[roles.EDITORS])
    return Source.objects.get(pk=1)


def screenshot(page, name: str, tmp_path: Path) -> None:
    """Screenshots go to the test's folder, and to CLAIMBOOK_SCREENSHOTS when it names one."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    target = os.environ.get("CLAIMBOOK_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)


def log_in(page) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def test_an_editor_filters_the_list_and_reviews_a_claim_end_to_end(page, newsroom, tmp_path):
    log_in(page)
    assert page.inner_text("#site-name").strip() == "Claimbook"
    page.goto("/admin/claims/claim/")
    page.click("#changelist-filter a:text-is('Disputed')")
    page.wait_for_url("**status__exact=disputed**")
    assert "27 claims" in page.inner_text("#changelist-form .paginator")  # 17 in the seed article
    assert page.locator("#result_list .cb-badge.cb-disputed").count() == 27
    screenshot(page, "claim-list", tmp_path)

    claim = newsroom.claims.filter(status="in_review", evidence__isnull=True).order_by("pk").first()
    page.goto("/admin/claims/claim/?status__exact=in_review")
    page.click(f"#result_list a[href*='/admin/claims/claim/{claim.pk}/change/']")
    page.wait_for_selector("#claim_form")
    page.locator("#notes-group textarea[name$='-body']:not([name*='__prefix__'])").last.fill(
        "Checked against the ministry's press release."
    )
    page.click(".js-inline-admin-formset#evidence-group .add-row a")
    page.fill("input[name='evidence-0-url']", "https://www.mod.go.jp/en/d_act/d_budget/index.html")
    page.select_option("select[name='evidence-0-stance']", "supports")
    page.fill("input[name='evidence-0-title']", "Defense Programs and Budget of Japan")
    page.fill("input[name='evidence-0-retrieved_on']", "2019-09-14")
    page.select_option("select[name='new_status']", "verified")
    page.fill("textarea[name='transition_note']", "The release confirms the figure.")
    screenshot(page, "claim-page", tmp_path)
    page.click("input[name='_save']")
    page.wait_for_selector(".messagelist .success")

    claim.refresh_from_db()
    assert claim.status == Claim.Status.VERIFIED
    assert claim.reviewed_by.username == "editor"
    assert Evidence.objects.get(claim=claim).url == "https://www.mod.go.jp/en/d_act/d_budget/index.html"
    assert set(ReviewNote.objects.filter(claim=claim, author__username="editor").values_list("body", flat=True)) >= {
        "Checked against the ministry's press release.",
        "The release confirms the figure.",
    }


SELECT_JS = """(needle) => {
    const article = document.getElementById('cb-article');
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf(needle);
        if (at >= 0) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + needle.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            return true;
        }
    }
    return false;
}"""


def test_a_selection_after_an_emoji_becomes_a_claim_quoting_exactly_it(page, newsroom, tmp_path):
    text = "\U0001f389\U0001f1f0\U0001f1f7 Seoul, 2 Sept: South Korea plans to spend $49 billion a year on defense."
    source = SourceFactory(title="Emoji test", text=text)
    log_in(page)
    page.goto(f"/admin/claims/source/{newsroom.pk}/annotated/")
    assert page.locator("#cb-article .cb-mark").count() >= 100
    screenshot(page, "annotated-article", tmp_path)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "annotated-article-390px", tmp_path)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"/admin/claims/source/{source.pk}/annotated/")
    assert page.evaluate(SELECT_JS, "$49 billion")
    page.wait_for_selector("#cb-new-claim:not([disabled])")
    page.click("#cb-new-claim")
    page.wait_for_selector("#claim_form")
    assert page.input_value("#id_quote") == "$49 billion"
    page.fill("#id_statement", "South Korea plans to spend $49 billion a year on defense.")
    page.fill("#id_subject", "South Korea")
    page.fill("#id_value", "49000000000")
    page.select_option("#id_unit", "USD")
    page.select_option("#id_qualifier", "about")
    page.click("input[name='_save']")
    page.wait_for_selector(".messagelist .success")

    claim = Claim.objects.get(source=source)
    start = text.index("$49 billion")
    assert (claim.span_start, claim.span_end, claim.quote) == (start, start + 11, "$49 billion")
    assert text[claim.span_start : claim.span_end] == claim.quote


def test_an_editor_confirms_a_known_fact_and_the_claim_takes_its_verdict(page, newsroom, tmp_path):
    from claims.models import FactMatch

    known = newsroom.claims.filter(status="verified", fact__status="verified", unit="USD").order_by("pk").first()
    claim = ClaimFactory(source=SourceFactory(title="Follow-up"), status="in_review")
    FactMatch.objects.create(claim=claim, fact=known.fact, relation="same", score=0.93,
                             reasons="same subject (Japan); same quantity")  # fmt: skip
    log_in(page)
    page.goto(f"/admin/claims/claim/{claim.pk}/change/")
    panel = page.locator(".cb-facts")
    assert "Known facts" in panel.inner_text()
    assert f"fact {known.fact_id}" in panel.inner_text()
    assert "0.93" in panel.inner_text()
    screenshot(page, "known-facts-panel", tmp_path)
    page.click("button:text-is('Confirm and take its verdict: Verified')")
    page.wait_for_selector(".messagelist .success")
    assert page.inner_text(".messagelist .success") == (
        f"Claim {claim.pk} is now an appearance of fact {known.fact_id} and takes its verdict: Verified."
    )
    assert page.inner_text(".field-status_label .readonly").strip() == "Verified"
    claim.refresh_from_db()
    assert (claim.status, claim.fact_id, claim.reviewed_by.username) == ("verified", known.fact_id, "editor")


FOLLOW_UP = (
    "SEOUL, Dec. 5, 2019 - South Korea will spend an average of $49 billion a year on its military "
    "from 2020 to 2024, the defense ministry said on Thursday.\n\n"
    "Standard MLRS rockets have a calibre of 240mm, according to an army manual.\n"
)


def test_a_new_article_is_proposed_matched_confirmed_and_its_fact_found_by_consumers(page, newsroom, tmp_path):
    from datetime import date

    from rest_framework.test import APIClient

    from claims import services
    from claims.models import FactMatch

    source = services.source_import(
        text=FOLLOW_UP, title="Seoul's five-year plan", publisher="Test Wire", url="https://wire.example/seoul-plan",
        published_on=date(2019, 12, 5),
    ).source  # fmt: skip
    log_in(page)
    # The editor proposes claims for the new article from the source list.
    page.goto("/admin/claims/source/")
    page.check(f"input[name=_selected_action][value='{source.pk}']")
    page.select_option("select[name=action]", "propose_claims")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist li")
    assert "may repeat a known fact, 1 contradict one." in page.inner_text(".messagelist")
    budget = Claim.objects.get(source=source, quote="$49 billion")
    calibre = Claim.objects.get(source=source, quote="240mm")
    # The best suggestion for each is the seed's fact: $49 billion a year (verified), 227mm (verified).
    best = {
        claim.quote: FactMatch.objects.filter(claim=claim).order_by("-score").values_list("fact_id", "relation")[0]
        for claim in (budget, calibre)
    }
    assert best == {"$49 billion": (89, "same"), "240mm": (72, "conflicts")}

    page.goto(f"/admin/claims/claim/{calibre.pk}/change/")
    assert "This claim conflicts with fact 72" in page.inner_text("body")
    page.goto(f"/admin/claims/claim/{budget.pk}/change/")
    screenshot(page, "known-facts-confirm", tmp_path)
    page.locator(".cb-facts li", has_text="fact 89").locator(
        "button:text-is('Confirm and take its verdict: Verified')"
    ).click()
    page.wait_for_selector(".messagelist .success")
    budget.refresh_from_db()
    assert (budget.fact_id, budget.status) == (89, "verified")

    # A consumer asks "has this been checked?" and finds the fact with every appearance, the new one too.
    found = APIClient().get("/api/facts/", {"q": "South Korea military spending 2020 to 2024"}).json()["results"]
    top = {fact["id"]: fact for fact in found[:3]}  # 89 and 90 (the same plan against Japan's) score alike
    assert 89 in top, [(fact["id"], fact["score"]) for fact in found]
    assert {a["claim"] for a in top[89]["appearances"]} >= {89, budget.pk}
