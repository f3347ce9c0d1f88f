"""The schema.org DataFeed of every public ClaimReview: what fact-check aggregators ingest."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from claims import claimreview, selectors
from claims.conf import claimbook_settings


class ClaimReviewFeedView(APIView):
    """GET /api/claimreview/feed.json: every public claim's ClaimReview, newest verdict first."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="schema.org DataFeed of every public ClaimReview",
        description="The ClaimReview of each public claim (the JSON-LD its fact-check page embeds), newest verdict "
        "first; dateModified is when the public set last changed.",
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT},
    )
    def get(self, request):
        claims = selectors.claim_review_feed()
        links = claimreview.Links(request)
        latest = selectors.last_public_change()
        modified = max(filter(None, [latest, *(claim.updated_at for claim in claims)]), default=None)
        feed = {
            "@context": "https://schema.org",
            "@type": "DataFeed",
            "name": f"{claimbook_settings.ORGANIZATION_NAME} fact checks",
            "url": request.build_absolute_uri(request.path),
            "dateModified": modified.isoformat() if modified else None,
            "dataFeedElement": [claimreview.claim_review(request, claim, claim.appearances, links) for claim in claims],
        }
        return Response(feed, content_type="application/ld+json")
