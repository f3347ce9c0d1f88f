"""The public pages: recent fact checks with search and filters, one fact check with its
ClaimReview, and an article with its fact checks marked. Reads come from claims.selectors."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from claims import claimreview, selectors
from claims.params import MAX_ID
from claims.spans import paragraph_around

from .article import render_article
from .forms import VERDICTS, FactCheckSearchForm

# Fact checks per page of the home page.
PAGE_SIZE = 20


@require_safe
def home(request):
    """Recent fact checks, newest verdict first; a bad filter is a 400 page that says what was wrong."""
    sources = selectors.public_sources()
    form = FactCheckSearchForm(request.GET, sources=sources)
    # The selects are written in the template, not by the form's widgets: a template per option is most
    # of the page's time.
    selected = {name: request.GET.get(name, "") for name in ("verdict", "source", "publisher")}
    context = {"form": form, "selected": selected}
    if not form.is_valid():
        return render(request, "public/home.html", context, status=400)
    data = form.cleaned_data
    claims = selectors.fact_checks(
        q=data["q"], verdict=data["verdict"], source=data["source"], publisher=data["publisher"]
    )
    page = Paginator(claims, PAGE_SIZE).get_page(data["page"])
    query = request.GET.copy()
    query.pop("page", None)
    context |= {"page": page, "filtered": any(data[name] for name in ("q", "verdict", "source", "publisher")),
                "query": query.urlencode()}  # fmt: skip
    return render(request, "public/home.html", context)


@require_safe
def claim_page(request, pk: int):
    """One fact check: 404 unless the claim is public."""
    check = selectors.fact_check(pk) if pk <= MAX_ID else None
    if check is None:
        raise Http404(f"There is no published fact check {pk}.")
    review = claimreview.claim_review(request, check.claim, check.appearances)
    context = {
        "check": check,
        "claim": check.claim,
        "verdict": claimreview.verdict_name(check.claim.status),
        "paragraph": paragraph_around(check.claim.source.text, check.claim.span_start, check.claim.span_end),
        "claim_review": claimreview.script_json(review),
        "page_url": review["url"],
    }
    return render(request, "public/claim.html", context)


@require_safe
def source_page(request, pk: int):
    """An article with its public claims marked by verdict: 404 unless it has one."""
    article = selectors.public_article(pk) if pk <= MAX_ID else None
    if article is None:
        raise Http404(f"There is no article {pk} with a published fact check.")
    legend = [
        (status.value, claimreview.verdict_name(status), article.counts[status.value])
        for status in VERDICTS
        if article.counts.get(status.value)
    ]
    context = {
        "source": article.source,
        "text": render_article(article.pieces),
        "legend": legend,
        "total": sum(article.counts.values()),
    }
    return render(request, "public/source.html", context)
