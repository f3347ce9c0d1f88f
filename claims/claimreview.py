"""schema.org ClaimReview JSON-LD, the one builder behind the API's ``claimreview`` answers, the
fact-check pages' embedded markup and the DataFeed; and the escaping that keeps it inside its
``<script type="application/ld+json">`` element."""

import json
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from . import workflow
from .conf import claimbook_settings
from .models import Claim, Fact

# Verdict -> (ratingValue on a 1 (false) to 5 (true) scale, alternateName). Unverifiable has no
# place on the truth scale, so it carries its name only.
RATINGS: dict[str, tuple[int | None, str]] = {
    workflow.Status.VERIFIED: (5, "True"),
    workflow.Status.DISPUTED: (3, "Disputed"),
    workflow.Status.FALSE: (1, "False"),
    workflow.Status.UNVERIFIABLE: (None, "Unverifiable"),
}
BEST_RATING = 5
WORST_RATING = 1


def verdict_name(status: str) -> str:
    """What a reader is told of a verdict: "True", "False", "Disputed" or "Unverifiable"."""
    return RATINGS[status][1]


def organization(site_url: str) -> dict:
    """Who publishes the fact checks (CLAIMBOOK ORGANIZATION_NAME / ORGANIZATION_URL); without a
    configured URL, the site the pages are served from."""
    return {
        "@type": "Organization",
        "name": claimbook_settings.ORGANIZATION_NAME,
        "url": claimbook_settings.ORGANIZATION_URL or site_url,
    }


def appearance(claim: Claim) -> dict:
    """The article a claim appeared in, as a schema.org CreativeWork quoting the claim."""
    source = claim.source
    work = {"@type": "CreativeWork", "url": source.url, "headline": source.title, "text": claim.quote}
    if source.published_on:
        work["datePublished"] = source.published_on.isoformat()
    return work


def claim_author(claim: Claim) -> dict:
    """Who made the claim: the article's publisher, else the host the article was published on."""
    source = claim.source
    return {"@type": "Organization", "name": source.publisher or urlsplit(source.url).hostname or source.title}


def review(
    *,
    statement: str,
    verdict: str,
    reviewed_at: datetime,
    rationale: str,
    appearances: Sequence[Claim],
    url: str,
    site_url: str,
) -> dict:
    """ClaimReview of a statement with a verdict: ``url`` is the fact-check page, ``reviewBody`` the
    public rationale, ``appearances`` the public appearances (first appearance first), the first
    one also ``firstAppearance`` and the source of the claim's author and date."""
    value, name = RATINGS[verdict]
    rating: dict = {"@type": "Rating", "alternateName": name, "name": name}
    if value is not None:
        rating |= {"ratingValue": value, "bestRating": BEST_RATING, "worstRating": WORST_RATING}
    works = [appearance(claim) for claim in appearances]
    item: dict = {"@type": "Claim", "appearance": works}
    if appearances:
        first = appearances[0]
        item["firstAppearance"] = works[0]
        item["author"] = claim_author(first)
        if first.source.published_on:
            item["datePublished"] = first.source.published_on.isoformat()
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": statement,
        "datePublished": reviewed_at.date().isoformat(),
        "author": organization(site_url),
        "reviewRating": rating,
        "itemReviewed": item,
    }
    if rationale:
        data["reviewBody"] = rationale
    return data


class Links:
    """The absolute URLs a ClaimReview names, for one request: reversed once, so a feed of every
    public claim does not reverse two URLs per claim."""

    MARKER = "2147483647"

    def __init__(self, request) -> None:
        self.site = request.build_absolute_uri(reverse("public:home"))
        self._page = request.build_absolute_uri(reverse("public:claim", args=[int(self.MARKER)])).split(self.MARKER)

    def page(self, pk: int) -> str:
        """The absolute URL of a claim's fact-check page, e.g. https://claimbook.example/claims/12/."""
        return str(int(pk)).join(self._page)


def claim_review(request, claim: Claim, appearances: Sequence[Claim], links: Links | None = None) -> dict:
    """The ClaimReview of a public claim, as its fact-check page, the API and the DataFeed give it:
    ``url`` its page, ``appearances`` its fact's public appearances, first first."""
    links = links or Links(request)
    return review(
        statement=claim.statement, verdict=claim.status, reviewed_at=claim.reviewed_at,  # type: ignore[arg-type]  # public claims have one
        rationale=claim.rationale, appearances=appearances, url=links.page(claim.pk), site_url=links.site,
    )  # fmt: skip


def fact_review(request, fact: Fact, appearances: Sequence[Claim]) -> dict:
    """The ClaimReview of a fact with a verdict: ``url`` is the fact-check page of its first public
    appearance (the fact's API address when it has none)."""
    links = Links(request)
    url = (
        links.page(appearances[0].pk)
        if appearances
        else request.build_absolute_uri(reverse("api:fact-detail", args=[fact.pk]))
    )
    return review(
        statement=fact.statement, verdict=fact.status, reviewed_at=fact.reviewed_at,  # type: ignore[arg-type]  # set with a verdict
        rationale=fact.rationale, appearances=appearances, url=url, site_url=links.site,
    )  # fmt: skip


def first_appearance_order(claim: Claim) -> tuple:
    """The order of a fact's appearances: by the article's publication date (undated last), then
    by when the claim was made (selectors.appearances orders the same way in SQL)."""
    published = claim.source.published_on
    return (published is None, published or datetime.min.date(), claim.created_at, claim.pk)


# What could end a <script> element or open a comment in one: "</script>", "<!--", "-->".
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_json(data) -> SafeString:
    """``data`` as JSON safe to place between ``<script type="application/ld+json">`` and
    ``</script>``: <, > and & are written as JSON escapes, so no value can close the element,
    and a JSON parser reads the same data back."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).translate(SCRIPT_ESCAPES)
    return mark_safe(text)  # nothing in it can end the element
