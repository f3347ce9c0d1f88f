"""API routes under /api/: claims, sources, the OpenAPI schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from .exceptions import json_404
from .views import ClaimViewSet, SourceViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False  # JSON only: /api/claims/1.json is not a second URL
router.register("claims", ClaimViewSet, basename="claim")
router.register("sources", SourceViewSet, basename="source")

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^.*$", json_404),  # JSON, not an HTML page, for every unknown /api/ path (DEBUG too)
]
