"""Template filters of the public pages."""

from django import template

from claims.claimreview import RATINGS, verdict_name

register = template.Library()


@register.filter
def verdict(status: str) -> str:
    """A public status as readers are told it: "True", "False", "Disputed" or "Unverifiable"."""
    return verdict_name(status) if status in RATINGS else status
