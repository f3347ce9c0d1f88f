"""Claimbook's URL configuration: the admin and the API."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from claims.views import healthz

admin.site.site_header = "Claimbook"
admin.site.site_title = "Claimbook"
admin.site.index_title = "Claims, sources and reviews"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
