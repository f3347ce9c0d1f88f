"""A public article as HTML: its text with every public claim a link to its fact-check page,
marked by verdict with a colour, a border style and words a screen reader reads."""

from collections.abc import Sequence
from html import escape as escape_html

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from claims.claimreview import verdict_name
from claims.selectors import Piece


def render_article(pieces: Sequence[Piece]) -> SafeString:
    """The text of ``pieces``, escaped, each claim's pieces inside a link to its fact check (the
    innermost claim where claims overlap), closed by its verdict in words for screen readers on the
    claim's last piece."""
    last_piece = {piece.claim.pk: index for index, piece in enumerate(pieces) if piece.claim is not None}
    html = []
    for index, piece in enumerate(pieces):
        text = escape_html(piece.text)
        claim = piece.claim
        if claim is None:
            html.append(text)
            continue
        url = reverse("public:claim", args=[claim.pk])
        name = verdict_name(claim.status)
        html.append(
            f'<a class="pb-mark pb-{escape_html(claim.status)}" href="{escape_html(url)}" '
            f'title="{escape_html(claim.statement)} (verdict: {name})">{text}'
        )
        if last_piece[claim.pk] == index:
            html.append(f'<span class="pb-sr"> (verdict: {name})</span>')
        html.append("</a>")
    return mark_safe("".join(html))  # every value above is escaped
