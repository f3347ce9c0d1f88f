"""The annotated article as HTML: the source text with every claim a link in its status colour."""

from collections.abc import Sequence
from html import escape as escape_html

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from . import workflow
from .selectors import Piece


def render_pieces(pieces: Sequence[Piece]) -> SafeString:
    """Article HTML whose text content is exactly the source text (the browser's offsets
    then count the same characters the server stores).

    A long article has tens of thousands of pieces: a claim's opening tag is built once,
    however many pieces it opens, the claim URL is reversed once for the page, and text is
    escaped with ``html.escape``, which is what Django's ``escape`` and ``format_html``
    call, over all the pieces at once.
    """
    marker = "2147483647"
    url_parts = reverse("admin:claims_claim_change", args=[int(marker)]).split(marker)
    labels = {status.value: escape_html(str(status.label)) for status in workflow.Status}
    texts = [piece.text for piece in pieces]
    if "\x00" not in "".join(texts):  # source texts never hold NUL: escape them in one pass
        texts = escape_html("\x00".join(texts)).split("\x00")
    else:
        texts = [escape_html(text) for text in texts]
    opening: dict[tuple[int, bool], str] = {}
    html = []
    for piece, text in zip(pieces, texts, strict=True):
        claim = piece.claim
        if claim is None:
            html.append(text)
            continue
        overlap = len(piece.claims) > 1
        tag = opening.get((claim.pk, overlap))
        if tag is None:
            url = (
                str(claim.pk).join(url_parts)
                if len(url_parts) == 2
                else reverse("admin:claims_claim_change", args=[claim.pk])
            )
            tag = opening[claim.pk, overlap] = (
                f'<a class="cb-mark cb-{escape_html(claim.status)}{" cb-overlap" if overlap else ""}" '
                f'href="{escape_html(url)}" data-claim="{claim.pk:d}" '
                f'title="{escape_html(claim.statement)} ({labels[claim.status]})">'
            )
        html += (tag, text, "</a>")
    return mark_safe("".join(html))  # every value above is escaped
