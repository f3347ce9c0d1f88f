"""API routes under /api/: its index, claims (and their bulk export), sources, facts, the change feed, the
ClaimReview DataFeed, the OpenAPI schema and its docs."""

from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from .bulk import ApiRootView, PublicExportView
from .exceptions import json_404
from .feeds import ClaimReviewFeedView
from .views import ChangeFeedView, ClaimViewSet, FactViewSet, SourceViewSet

DOCS_CSP = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False  # JSON only: /api/claims/1.json is not a second URL
router.register("claims", ClaimViewSet, basename="claim")
router.register("sources", SourceViewSet, basename="source")
router.register("facts", FactViewSet, basename="fact")

urlpatterns = [
    path("", ApiRootView.as_view(), name="root"),
    path("claims/export.ndjson", PublicExportView.as_view(), name="claims-export"),
    path("", include(router.urls)),
    path("changes/", ChangeFeedView.as_view(), name="changes"),
    path("claimreview/feed.json", ClaimReviewFeedView.as_view(), name="claimreview-feed"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its start-up script as a file (script-src 'self' holds); both renderers
    # set styles inline and Redoc runs a blob: worker, so the docs pages allow those two.
    path("docs/", DOCS_CSP(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("redoc/", DOCS_CSP(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
    re_path(r"^.*$", json_404),  # JSON, not an HTML page, for every unknown /api/ path (DEBUG too)
]
