"""What every page's frame shows: who publishes the fact checks."""

from claims.conf import claimbook_settings


def organisation(request) -> dict:
    """The organisation of CLAIMBOOK ORGANIZATION_NAME / ORGANIZATION_URL, for the header and footer."""
    return {"organisation": {"name": claimbook_settings.ORGANIZATION_NAME, "url": claimbook_settings.ORGANIZATION_URL}}
