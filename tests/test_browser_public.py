"""The public pages in headless Chromium (Debian's package, driven by Playwright), on a phone's
375 px screen: no horizontal scroll, the skip link first under the keyboard, landmarks, text and
verdict labels at WCAG AA contrast measured from the computed styles, and no Content-Security-Policy
violation."""

import pytest
from django.core.management import call_command

from claims.models import Claim
from tests.test_browser import browser  # noqa: F401  # the module's Chromium, shared

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
# Every violation the page reports, whether Chromium also logs it or not.
CSP_LISTENER = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
    window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""
# WCAG 2 contrast of each element's text colour against the background it is drawn on (the nearest
# ancestor with an opaque background; translucent ones blended over it), from computed styles.
CONTRAST_JS = """(selector) => {
    const parse = (value) => {
        const m = value.match(/rgba?\\(([^)]+)\\)/);
        const [r, g, b, a] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
        return [r, g, b, a === undefined ? 1 : a];
    };
    const background = (element) => {
        const layers = [];
        for (let node = element; node; node = node.parentElement) {
            const colour = parse(getComputedStyle(node).backgroundColor);
            if (colour[3] > 0) layers.push(colour);
            if (colour[3] === 1) break;
        }
        let result = [255, 255, 255];
        for (const [r, g, b, a] of layers.reverse()) {
            result = [r * a + result[0] * (1 - a), g * a + result[1] * (1 - a), b * a + result[2] * (1 - a)];
        }
        return result;
    };
    const luminance = ([r, g, b]) => {
        const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    return [...document.querySelectorAll(selector)].map((element) => {
        const [l1, l2] = [luminance(parse(getComputedStyle(element).color)), luminance(background(element))];
        const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        return [element.textContent.trim().slice(0, 40), Math.round(ratio * 100) / 100];
    });
}"""
TEXT = "p, li, h1, h2, label, .pb-meta, .pb-rationale, mark, .pb-verdict, .pb-mark, .pb-stance, a"


@pytest.fixture
def demo_pages(db):
    call_command("loaddata", "demo", verbosity=0)
    return {
        status: Claim.objects.filter(status=status).order_by("pk").first()
        for status in ("verified", "false", "disputed", "unverifiable")
    }


@pytest.fixture
def phone(browser, live_server):  # noqa: F811  # the fixture imported above
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    yield page
    context.close()
    assert refused == [], refused


def visit(page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response.status == status, path
    policy = dict(directive.split(" ", 1) for directive in response.headers["content-security-policy"].split("; "))
    assert (policy["default-src"], policy["script-src"], policy["style-src"]) == ("'self'", "'self'", "'self'")
    page.wait_for_load_state("load")
    assert page.evaluate("window.cspViolations") == [], path
    # The stylesheet applied: the header is the dark band the CSS gives it.
    assert page.evaluate("getComputedStyle(document.querySelector('.pb-header')).backgroundColor") == "rgb(20, 33, 61)"


def public_paths(demo_pages) -> list[tuple[str, int]]:
    return [("/", 200), ("/?q=missile&verdict=disputed", 200), ("/?verdict=nonsense", 400), ("/sources/1/", 200),
            *((f"/claims/{claim.pk}/", 200) for claim in demo_pages.values()), ("/claims/999999/", 404)]  # fmt: skip


def test_every_public_page_fits_a_375_px_phone_without_horizontal_scroll(phone, demo_pages):
    for path, status in public_paths(demo_pages):
        visit(phone, path, status)
        widths = phone.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths == [375, 375], (path, widths)
        assert phone.evaluate("document.querySelector('meta[name=viewport]').content") == (
            "width=device-width, initial-scale=1"
        )


def test_every_public_page_has_its_landmarks_once(phone, demo_pages):
    for path, status in public_paths(demo_pages):
        visit(phone, path, status)
        counts = [phone.get_by_role(role).count() for role in ("banner", "main", "contentinfo")]
        assert counts == [1, 1, 1], (path, counts)
        assert phone.get_by_role("navigation", name="Main").count() == 1, path  # and "Pages" on a long list
        assert phone.locator("h1").count() == 1, path


def test_the_keyboard_reaches_the_skip_link_first_then_the_content_and_its_links(phone, demo_pages):
    claim = demo_pages["disputed"]
    visit(phone, f"/claims/{claim.pk}/")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent") == "Skip to content"
    focus = phone.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " const r = document.activeElement.getBoundingClientRect();"
        " return [s.outlineStyle, s.outlineWidth, r.top >= 0 && r.bottom <= innerHeight]; })()"
    )
    assert focus == ["solid", "3px", True]  # visible where it is, and outlined
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"
    reached = []
    for _ in range(8):
        phone.keyboard.press("Tab")
        reached.append(phone.evaluate("document.activeElement.getAttribute('href')"))
    assert reached[0] == f"/sources/{claim.source_id}/"  # the first link of the content, not the header's
    assert claim.source.url in reached
    evidence = list(claim.evidence.values_list("url", flat=True))
    assert evidence, claim.pk
    assert evidence[0] in reached


def test_the_home_page_keyboard_order_is_skip_link_brand_navigation_then_search(phone, demo_pages):
    visit(phone, "/")
    order = []
    for _ in range(5):
        phone.keyboard.press("Tab")
        order.append(phone.evaluate("document.activeElement.getAttribute('href') || document.activeElement.id"))
    assert order == ["#main", "/", "/", "/api/claimreview/feed.json", "id_q"]


def test_text_and_verdict_labels_have_at_least_aa_contrast(phone, demo_pages):
    for path, status in public_paths(demo_pages):
        visit(phone, path, status)
        ratios = phone.evaluate(CONTRAST_JS, TEXT)
        assert ratios, path
        low = [(text, ratio) for text, ratio in ratios if ratio < 4.5]
        assert low == [], (path, low)
    visit(phone, f"/claims/{demo_pages['false'].pk}/")
    [(label, ratio)] = phone.evaluate(CONTRAST_JS, ".pb-verdict")
    assert label == "False"  # the verdict is written, not only coloured
    assert ratio >= 4.5


def test_the_article_marks_each_verdict_in_words_as_well_as_colour(phone, demo_pages):
    visit(phone, "/sources/1/")
    marks = phone.evaluate(
        "[...document.querySelectorAll('.pb-article .pb-mark')].map((a) =>"
        " [a.className, a.querySelector('.pb-sr') && a.querySelector('.pb-sr').textContent,"
        "  getComputedStyle(a).borderBottomStyle])"
    )
    assert len(marks) >= 50
    styles = {"pb-verified": "solid", "pb-false": "double", "pb-disputed": "dashed", "pb-unverifiable": "dotted"}
    names = {"pb-verified": "True", "pb-false": "False", "pb-disputed": "Disputed", "pb-unverifiable": "Unverifiable"}
    for class_name, spoken, border in marks:
        verdict = class_name.split()[1]
        assert border == styles[verdict], class_name
        assert spoken in (None, f" (verdict: {names[verdict]})"), class_name
    assert {verdict for verdict in (c.split()[1] for c, spoken, _ in marks if spoken)} == set(styles)
    legend = phone.locator(".pb-legend li").all_inner_texts()
    assert [text.split()[0] for text in legend] == ["True", "False", "Disputed", "Unverifiable"]
