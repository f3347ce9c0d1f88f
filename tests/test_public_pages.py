"""The public pages: recent fact checks, a fact check with its ClaimReview JSON-LD, an article with its
fact checks marked, the 404 page, and the ClaimReview DataFeed; read as readers and search engines do."""

import datetime
import json
import re

import extruct
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from claims import claimreview
from claims.models import Claim, Evidence, Source
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db

REVIEWED = timezone.make_aware(datetime.datetime(2019, 9, 14, 13, 19))
RATIONALE = "The Defense Ministry's request was ¥5.32 trillion, about $50 billion; the cabinet approves it in December."
HOSTILE = "</script><script>alert(1)</script> <!-- & -->"
LD_JSON = re.compile(r'<script type="application/ld\+json">\n(.*?)\n</script>', re.S)
VERDICTS = [
    ("verified", "True", 5),
    ("false", "False", 1),
    ("disputed", "Disputed", 3),
    ("unverifiable", "Unverifiable", None),
]


def public_claim(status: str = "verified", **fields) -> Claim:
    """A claim with a verdict on the factory article's "$50 billion", its rationale and one evidence item."""
    fields = {"status": status, "reviewed_at": REVIEWED, "rationale": RATIONALE, **fields}
    if "source" not in fields:
        fields["source"] = SourceFactory(
            title="Korea: The Staredown", publisher="StrategyPage", url="https://news.example/staredown",
            published_on=datetime.date(2019, 9, 12),
        )  # fmt: skip
    claim = ClaimFactory(**fields)
    EvidenceFactory(claim=claim, stance=Evidence.Stance.SUPPORTS)
    return claim


def json_ld(html: str) -> list:
    """Every JSON-LD block of a page, parsed as JSON."""
    return [json.loads(block) for block in LD_JSON.findall(html)]


# -- the fact-check page ----------------------------------------------------------------------


@pytest.mark.parametrize(("status", "name", "rating"), VERDICTS)
def test_a_fact_check_page_shows_the_verdict_the_quote_in_its_paragraph_the_rationale_and_the_evidence(
    client, status, name, rating
):
    claim = public_claim(status)
    response = client.get(f"/claims/{claim.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert f'<p class="pb-verdict-line">Our verdict: <span class="pb-verdict pb-verdict-{status}">' in html
    assert f'<span class="pb-verdict-icon" aria-hidden="true"></span>{name}</span>' in html
    assert "<h1>Japan approved a record defense budget of $50 billion for 2020.</h1>" in html
    assert (
        '<blockquote class="pb-paragraph" cite="https://news.example/staredown"><p>August 30, 2019: Japan approved '
        "a record defense budget of <mark>$50 billion</mark> for 2020. That is the eighth year in a row that Japan "
        "has increased defense spending. \U0001f389 North Korea fired 18 rockets so far this year.</p></blockquote>"
    ) in html
    assert (
        '<p class="pb-rationale">The Defense Ministry&#x27;s request was ¥5.32 trillion, about $50 billion; the '
        "cabinet approves it in December.</p>"
    ) in html
    assert (
        '<li><a href="https://www.mod.go.jp/en/d_act/d_budget/index.html" rel="nofollow noopener">Defense Programs '
        "and Budget of Japan</a>, Ministry of Defense of Japan\n"
        '        <span class="pb-stance pb-stance-supports">Supports</span></li>'
    ) in html
    assert f'In <a href="/sources/{claim.source_id}/">Korea: The Staredown</a>, StrategyPage, ' in html
    assert '<a href="https://news.example/staredown" rel="nofollow noopener">Original article</a>' in html
    assert 'Reviewed <time datetime="2019-09-14T13:19:00+00:00">14 September 2019</time> by Claimbook.' in html
    [review] = json_ld(html)
    assert review["reviewRating"].get("ratingValue") == rating
    assert review["reviewRating"]["alternateName"] == name


def test_a_fact_check_page_lists_the_other_public_appearances_of_its_fact(client):
    claim = public_claim()
    wire = SourceFactory(title="Budget follow-up", publisher="Wire", published_on=datetime.date(2019, 12, 20))
    later = public_claim(source=wire, fact=claim.fact)
    ClaimFactory(source=SourceFactory(), fact=claim.fact)  # unreviewed: not public, not listed
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    assert '<h2 id="elsewhere">The same claim elsewhere</h2>' in html
    assert (
        re.findall(r'<ul class="pb-elsewhere">(.*?)</ul>', html, re.S)[0].split()
        == (
            f'<li><a href="/claims/{later.pk}/">“$50 billion”</a> in Budget follow-up (Wire), '
            '<time datetime="2019-12-20">20 December 2019</time></li>'
        ).split()
    )
    [review] = json_ld(html)
    assert [work["headline"] for work in review["itemReviewed"]["appearance"]] == [
        "Korea: The Staredown",
        "Budget follow-up",
    ]


@pytest.mark.parametrize("status", ["unreviewed", "in_review", "dismissed"])
def test_a_claim_without_a_verdict_has_no_page_but_the_sites_404(client, status):
    claim = ClaimFactory(status=status)
    response = client.get(f"/claims/{claim.pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert '<a class="pb-skip" href="#main">Skip to content</a>' in html
    assert claim.statement not in html


@pytest.mark.parametrize("path", ["/claims/999999/", f"/claims/{2**63}/", "/sources/999999/", f"/sources/{2**64}/"])
def test_unknown_and_out_of_range_ids_are_404_pages(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


# -- ClaimReview JSON-LD ---------------------------------------------------------------------------


def test_the_pages_claimreview_is_the_apis_with_the_page_as_url_and_the_rationale_as_review_body(client):
    claim = public_claim()
    [embedded] = json_ld(client.get(f"/claims/{claim.pk}/").content.decode())
    response = APIClient().get(f"/api/claims/{claim.pk}/claimreview/")
    assert embedded == response.json()
    staredown = {
        "@type": "CreativeWork", "url": "https://news.example/staredown", "headline": "Korea: The Staredown",
        "text": "$50 billion", "datePublished": "2019-09-12",
    }  # fmt: skip
    assert embedded == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"http://testserver/claims/{claim.pk}/",
        "claimReviewed": "Japan approved a record defense budget of $50 billion for 2020.",
        "reviewBody": RATIONALE,
        "datePublished": "2019-09-14",
        "author": {"@type": "Organization", "name": "Claimbook", "url": "http://testserver/"},
        "reviewRating": {
            "@type": "Rating", "alternateName": "True", "name": "True", "ratingValue": 5, "bestRating": 5,
            "worstRating": 1,
        },
        "itemReviewed": {
            "@type": "Claim", "appearance": [staredown], "firstAppearance": staredown,
            "author": {"@type": "Organization", "name": "StrategyPage"}, "datePublished": "2019-09-12",
        },
    }  # fmt: skip


def test_no_statement_quote_or_rationale_can_break_out_of_the_json_ld_script(client):
    text = f"The minister said {HOSTILE} in Tokyo.\nNext paragraph."
    source = SourceFactory(text=text, title=f"Title {HOSTILE}", publisher=f"Pub {HOSTILE}")
    start = text.index(HOSTILE)
    claim = public_claim(
        source=source, span_start=start, span_end=start + len(HOSTILE), statement=f"He said {HOSTILE}.",
        rationale=f"Checked {HOSTILE}.", subject="Japan",
    )  # fmt: skip
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    assert html.count("</script>") == 1  # the JSON-LD's own end tag, and no other
    assert html.count("<script") == 1
    assert "<!--" not in html
    [block] = LD_JSON.findall(html)
    assert not set("<>&") & set(block)
    assert (
        "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E \\u003C!-- \\u0026 --\\u003E" in block
    )
    data = json.loads(block)
    assert data["claimReviewed"] == f"He said {HOSTILE}."
    assert data["reviewBody"] == f"Checked {HOSTILE}."
    assert data["itemReviewed"]["appearance"][0]["text"] == HOSTILE
    assert data["itemReviewed"]["author"] == {"@type": "Organization", "name": f"Pub {HOSTILE}"}
    # Everywhere else the page escapes as HTML.
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- &amp; --&gt;" in html
    assert f"<mark>{HOSTILE}</mark>" not in html


def test_script_json_reads_back_as_the_same_data():
    data = {"a": HOSTILE, "b": ["\u2028", "é", 1, None], "c": {"<": ">"}}
    text = str(claimreview.script_json(data))
    assert json.loads(text) == data
    assert not set("<>&") & set(text)


# What Google documents for fact-check markup (Search Central, "Fact check (ClaimReview) structured
# data"): required and recommended properties, by the type that carries them.
GOOGLE_REQUIRED = {"ClaimReview": {"claimReviewed", "reviewRating", "url"}, "Rating": {"alternateName"}}
GOOGLE_RECOMMENDED = {
    "ClaimReview": {"author", "datePublished", "itemReviewed"},
    "Organization": {"name", "url"},
    "Claim": {"author", "datePublished", "appearance", "firstAppearance"},
    "Rating": {"bestRating", "name", "ratingValue", "worstRating"},
}


@pytest.mark.parametrize(("status", "name", "rating"), VERDICTS)
def test_a_search_engine_reading_the_page_finds_every_property_google_requires_and_recommends(
    client, settings, status, name, rating
):
    settings.CLAIMBOOK = {"ORGANIZATION_NAME": "Korea Desk", "ORGANIZATION_URL": "https://desk.example/"}
    claim = public_claim(status)
    url = f"http://testserver/claims/{claim.pk}/"
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    found = extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=True)["json-ld"]
    [review] = found
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert GOOGLE_REQUIRED["ClaimReview"] | GOOGLE_RECOMMENDED["ClaimReview"] <= set(review)
    assert review["url"] == url
    assert review["claimReviewed"] == claim.statement
    assert review["datePublished"] == "2019-09-14"
    assert review["reviewBody"] == RATIONALE
    assert review["author"] == {"@type": "Organization", "name": "Korea Desk", "url": "https://desk.example/"}
    rating_properties = GOOGLE_REQUIRED["Rating"] | GOOGLE_RECOMMENDED["Rating"]
    if rating is None:  # unverifiable has no place on the 1-5 truth scale: its name alone
        rating_properties -= {"bestRating", "ratingValue", "worstRating"}
    assert review["reviewRating"]["@type"] == "Rating"
    assert rating_properties == set(review["reviewRating"]) - {"@type"}
    assert (review["reviewRating"]["alternateName"], review["reviewRating"]["name"]) == (name, name)
    if rating is not None:
        assert (review["reviewRating"]["worstRating"], review["reviewRating"]["ratingValue"]) == (1, rating)
        assert review["reviewRating"]["bestRating"] == 5
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert GOOGLE_RECOMMENDED["Claim"] <= set(item)
    assert item["author"] == {"@type": "Organization", "name": "StrategyPage"}
    assert item["datePublished"] == "2019-09-12"
    assert item["firstAppearance"] == item["appearance"][0]
    assert item["firstAppearance"]["url"] == "https://news.example/staredown"


def test_every_public_demo_claim_has_a_page_whose_markup_a_search_engine_reads(client, demo):
    claims = Claim.objects.filter(status__in=["verified", "false", "disputed", "unverifiable"])
    assert claims.count() == 126
    for claim in claims:
        response = client.get(f"/claims/{claim.pk}/")
        assert response.status_code == 200, claim.pk
        [review] = extruct.extract(response.content.decode(), syntaxes=["json-ld"])["json-ld"]
        assert review["reviewBody"] == claim.rationale != "", claim.pk
        assert review["url"] == f"http://testserver/claims/{claim.pk}/"
        assert {"claimReviewed", "reviewRating", "author", "datePublished", "itemReviewed"} <= set(review)
    for claim in Claim.objects.exclude(status__in=["verified", "false", "disputed", "unverifiable"]):
        assert client.get(f"/claims/{claim.pk}/").status_code == 404, claim.pk


# -- the article page -----------------------------------------------------------------------------


def test_an_article_page_marks_its_public_claims_by_verdict_with_links_and_a_legend(client):
    source = SourceFactory(title="Budget <b>news</b>", publisher="Wire", url="https://wire.example/a")
    verified = public_claim(source=source)
    start = source.text.index("eighth year")
    disputed = public_claim(source=source, status="disputed", span_start=start, span_end=start + len("eighth year"))
    start = source.text.index("18 rockets")
    ClaimFactory(source=source, span_start=start, span_end=start + len("18 rockets"))  # unreviewed: not marked
    response = client.get(f"/sources/{source.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Budget &lt;b&gt;news&lt;/b&gt;</h1>" in html
    article = re.findall(r'<div class="pb-article">(.*?)</div>', html, re.S)[0]
    title = "Japan approved a record defense budget of $50 billion for 2020."
    assert article == (
        "August 30, 2019: Japan approved a record defense budget of "
        f'<a class="pb-mark pb-verified" href="/claims/{verified.pk}/" title="{title} (verdict: True)">$50 billion'
        '<span class="pb-sr"> (verdict: True)</span></a> for 2020. That is the '
        f'<a class="pb-mark pb-disputed" href="/claims/{disputed.pk}/" title="{title} (verdict: Disputed)">'
        'eighth year<span class="pb-sr"> (verdict: Disputed)</span></a> in a row that Japan has increased defense '
        "spending. \U0001f389 North Korea fired 18 rockets so far this year."
    )
    assert '<h2 id="legend-title">2 fact checks in this article</h2>' in html
    legend = re.findall(r'<ul class="pb-legend">(.*?)</ul>', html, re.S)[0].split()
    assert (
        legend
        == (
            '<li><span class="pb-mark pb-verified">True</span> 1</li>'
            '<li><span class="pb-mark pb-disputed">Disputed</span> 1</li>'
        )
        .replace("</li><li>", "</li> <li>")
        .split()
    )


def test_an_article_without_a_public_claim_is_not_public(client):
    claim = ClaimFactory(status="in_review")
    response = client.get(f"/sources/{claim.source_id}/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()
    assert claim.source.title not in response.content.decode()


# -- the home page: recent fact checks, search and filters -----------------------------------------


@pytest.fixture
def newsroom():
    """Fact checks from two publishers, reviewed on different days, and one claim still in review."""
    staredown = SourceFactory(title="Korea: The Staredown", publisher="StrategyPage")
    wire = SourceFactory(title="Wire story", publisher="Meridian Wire")
    start = staredown.text.index("18 rockets")
    rockets = dict(span_start=start, span_end=start + len("18 rockets"), subject="North Korea", kind="factual",
                   value=None, unit="", qualifier="")  # fmt: skip
    return {
        "budget": public_claim(source=staredown, reviewed_at=REVIEWED),
        "rockets": public_claim(
            "false",
            source=staredown,
            statement="North Korea fired 18 rockets in 2019.",
            reviewed_at=REVIEWED + datetime.timedelta(days=2),
            **rockets,
        ),
        "wire": public_claim("disputed", source=wire, reviewed_at=REVIEWED + datetime.timedelta(days=1)),
        "in_review": ClaimFactory(source=wire, status="in_review", statement="North Korea is in review.", **rockets),
    }


def listed(response) -> list[int]:
    return [
        int(pk) for pk in re.findall(r'<h2 class="pb-card-title"><a href="/claims/(\d+)/">', response.content.decode())
    ]


def test_the_home_page_lists_public_fact_checks_newest_verdict_first(client, newsroom):
    response = client.get("/")
    assert response.status_code == 200
    assert listed(response) == [newsroom["rockets"].pk, newsroom["wire"].pk, newsroom["budget"].pk]
    html = response.content.decode()
    assert '<p class="pb-count" role="status">3 fact checks.</p>' in html
    assert "North Korea is in review." not in html
    assert (
        f'<p class="pb-meta">In <a href="/sources/{newsroom["wire"].source_id}/">Wire story</a> (Meridian Wire) · '
        'reviewed <time datetime="2019-09-15">15 September 2019</time></p>'
    ) in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "rockets"}, ["rockets"]),  # statement
        ({"q": "50 BILLION"}, ["wire", "budget"]),  # quote, any case
        ({"q": "north korea"}, ["rockets"]),  # subject
        ({"q": "nothing like this"}, []),
        ({"verdict": "false"}, ["rockets"]),
        ({"verdict": "disputed", "q": "budget"}, ["wire"]),
        ({"publisher": "Meridian Wire"}, ["wire"]),
        ({"publisher": "StrategyPage", "verdict": "verified"}, ["budget"]),
    ],
)
def test_the_home_page_searches_and_filters(client, newsroom, query, expected):
    response = client.get("/", query)
    assert response.status_code == 200
    assert listed(response) == [newsroom[name].pk for name in expected]


def test_the_home_page_filters_by_article(client, newsroom):
    response = client.get("/", {"source": newsroom["budget"].source_id})
    assert listed(response) == [newsroom["rockets"].pk, newsroom["budget"].pk]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"verdict": "in_review"}, "Verdict: in_review is not a verdict; choose one of verified, false, disputed, "
         "unverifiable."),
        ({"verdict": "<b>x</b>"}, "Verdict: &lt;b&gt;x&lt;/b&gt; is not a verdict; choose one of verified, false, "
         "disputed, unverifiable."),
        ({"source": "abc"}, "Article: abc is not an article with a published fact check; choose one from the list."),
        ({"source": "in_review"}, "Article: in_review is not an article with a published fact check; choose one "
         "from the list."),
        ({"publisher": "Nobody"}, "Publisher: Nobody publishes no article with a published fact check; choose one "
         "from the list."),
        ({"page": "two"}, "Page: The page must be a whole number, e.g. 2."),
        ({"page": "0"}, "Page: Ensure this value is greater than or equal to 1."),
        ({"q": "x" * 201}, "Search: Searches are at most 200 characters (this one has 201)."),
    ],
)  # fmt: skip
def test_a_bad_filter_is_a_400_page_that_says_what_was_wrong(client, newsroom, query, message):
    if query.get("source") == "in_review":
        query = {"source": str(newsroom["in_review"].source_id + 1000)}
        message = message.replace("in_review", query["source"])
    response = client.get("/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h2>This search cannot be run</h2>" in html
    assert f"<li>{message}</li>" in html
    assert listed(response) == []


def test_the_home_page_pages_through_many_fact_checks(client):
    source = SourceFactory()
    claim = public_claim(source=source)
    text = source.text
    for offset in range(1, 25):  # 25 fact checks: 20 on the first page, 5 on the second
        start = text.index("Japan") if offset % 2 else text.index("defense")
        ClaimFactory(source=source, status="verified", reviewed_at=REVIEWED + datetime.timedelta(minutes=offset),
                     span_start=start, span_end=start + 5 + offset, fact=claim.fact)  # fmt: skip
    first = client.get("/")
    assert len(listed(first)) == 20
    assert "<span>Page 1 of 2</span>" in first.content.decode()
    assert '<a rel="next" href="?page=2">Older</a>' in first.content.decode()
    second = client.get("/", {"page": 2})
    assert len(listed(second)) == 5
    assert listed(second)[-1] == claim.pk
    assert client.get("/", {"page": 99}).status_code == 200  # past the end: the last page
    filtered = client.get("/", {"verdict": "verified", "page": 2}).content.decode()
    assert '<a rel="prev" href="?verdict=verified&amp;page=1">Newer</a>' in filtered


# -- speed: a bounded number of queries per page ----------------------------------------------------


def test_each_page_costs_a_fixed_number_of_queries_however_many_claims(client, demo, django_assert_num_queries):
    claim = Claim.objects.filter(status="verified", fact__claims__source_id=2).first()
    with django_assert_num_queries(3):  # the articles for the filters, the count, the page
        assert client.get("/").status_code == 200
    with django_assert_num_queries(3):
        assert client.get("/", {"q": "rocket", "verdict": "false"}).status_code == 200
    with django_assert_num_queries(3):  # the claim and its article, its evidence, its fact's appearances
        assert client.get(f"/claims/{claim.pk}/").status_code == 200
    with django_assert_num_queries(2):  # the article, its public claims
        assert client.get("/sources/1/").status_code == 200
    with django_assert_num_queries(2):  # every public claim with its article, the newest change
        assert client.get("/api/claimreview/feed.json").status_code == 200


# -- the DataFeed -----------------------------------------------------------------------------------


def test_the_datafeed_holds_the_claimreview_of_every_public_claim_and_nothing_else(demo):
    api = APIClient()
    response = api.get("/api/claimreview/feed.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    feed = response.json()
    assert set(feed) == {"@context", "@type", "name", "url", "dateModified", "dataFeedElement"}
    assert (feed["@context"], feed["@type"], feed["name"]) == (
        "https://schema.org",
        "DataFeed",
        "Claimbook fact checks",
    )
    assert feed["url"] == "http://testserver/api/claimreview/feed.json"
    public = Claim.objects.filter(status__in=["verified", "false", "disputed", "unverifiable"])
    newest = max(claim.updated_at for claim in Claim.objects.filter(pk__in=public))
    assert feed["dateModified"] == newest.isoformat()
    elements = feed["dataFeedElement"]
    assert [element["url"] for element in elements] == [
        f"http://testserver/claims/{pk}/" for pk in public.order_by("-reviewed_at", "-id").values_list("pk", flat=True)
    ]
    for element in elements[:15]:
        pk = int(element["url"].rstrip("/").rsplit("/", 1)[1])
        assert element == api.get(f"/api/claims/{pk}/claimreview/").json()


def test_an_empty_datafeed_has_no_elements(db):
    feed = APIClient().get("/api/claimreview/feed.json").json()
    assert (feed["dataFeedElement"], feed["dateModified"]) == ([], None)
    assert Source.objects.count() == 0


def test_the_search_form_keeps_what_the_reader_chose(client, newsroom):
    source = newsroom["wire"].source_id
    html = client.get("/", {"q": "rockets <i>", "verdict": "false", "source": source}).content.decode()
    assert '<input type="search" name="q" id="id_q" value="rockets &lt;i&gt;" maxlength="200">' in html
    assert '<option value="false" selected>False</option>' in html
    assert '<option value="verified">True</option>' in html
    assert f'<option value="{source}" selected>Wire story</option>' in html
    assert '<option value="" selected>Any publisher</option>' in html


# -- hostile input: never a server error ------------------------------------------------------------


def test_no_hostile_search_filter_or_page_value_causes_a_server_error(newsroom):
    from django.test import Client

    from tests.test_no_server_errors import HOSTILE

    client = Client(raise_request_exception=False)
    failures = []
    for name in ("q", "verdict", "source", "publisher", "page"):
        for label, value in HOSTILE:
            query = f"{name}={value}" if value is not None else f"{name}=1&{name}=%00&{name}=--id&{name}="
            response = client.get(f"/?{query}")
            if response.status_code not in (200, 400):
                failures.append(f"{name} {label}: {response.status_code}")
    for label, value in HOSTILE:
        for page in ("claims", "sources"):
            response = client.get(f"/{page}/{value}/")
            if value and "/" not in value and response.status_code not in (200, 404):
                failures.append(f"/{page}/ {label}: {response.status_code}")
    assert failures == []
