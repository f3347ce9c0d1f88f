"""The annotated article as HTML: the source text with every claim a link in its status colour,
marked where matching suggests a known fact the claim repeats or contradicts."""

from collections.abc import Sequence
from html import escape as escape_html

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from . import workflow
from .models import FactMatch
from .selectors import Piece

# What the marker on a claim with a suggested match says (its title, and the legend's words).
SUGGESTION_LABELS = {
    FactMatch.Relation.SAME.value: "matches a known fact",
    FactMatch.Relation.CONFLICTS.value: "conflicts with a known fact",
}


def render_pieces(pieces: Sequence[Piece]) -> SafeString:
    """Article HTML whose text content is exactly the source text (the browser's offsets
    then count the same characters the server stores).

    A long article has tens of thousands of pieces: a claim's opening tag is built once,
    however many pieces it opens, the claim URL is reversed once for the page, and text is
    escaped with ``html.escape``, which is what Django's ``escape`` and ``format_html``
    call, over all the pieces at once.

    A claim with a suggested match gets ``cb-suggests-same`` or ``cb-suggests-conflicts``, the
    words in its title and, on its first piece, ``cb-fact-start``: the stylesheet draws the
    marker there as generated content, which is no part of the text a selection counts.
    """
    marker = "2147483647"
    url_parts = reverse("admin:claims_claim_change", args=[int(marker)]).split(marker)
    labels = {status.value: escape_html(str(status.label)) for status in workflow.Status}
    texts = [piece.text for piece in pieces]
    if "\x00" not in "".join(texts):  # source texts never hold NUL: escape them in one pass
        texts = escape_html("\x00".join(texts)).split("\x00")
    else:
        texts = [escape_html(text) for text in texts]
    opening: dict[tuple[int, bool, bool], str] = {}
    started: set[int] = set()
    html = []
    for piece, text in zip(pieces, texts, strict=True):
        claim = piece.claim
        if claim is None:
            html.append(text)
            continue
        overlap = len(piece.claims) > 1
        first = bool(claim.suggestion) and claim.pk not in started
        if first:
            started.add(claim.pk)
        tag = opening.get((claim.pk, overlap, first))
        if tag is None:
            url = (
                str(claim.pk).join(url_parts)
                if len(url_parts) == 2
                else reverse("admin:claims_claim_change", args=[claim.pk])
            )
            classes = f"cb-mark cb-{escape_html(claim.status)}{' cb-overlap' if overlap else ''}"
            title = f"{escape_html(claim.statement)} ({labels[claim.status]})"
            if claim.suggestion:
                classes += f" cb-suggests-{escape_html(claim.suggestion)}{' cb-fact-start' if first else ''}"
                title += f"; {SUGGESTION_LABELS[claim.suggestion]}"
            tag = opening[claim.pk, overlap, first] = (
                f'<a class="{classes}" href="{escape_html(url)}" data-claim="{claim.pk:d}" title="{title}">'
            )
        html += (tag, text, "</a>")
    return mark_safe("".join(html))  # every value above is escaped
