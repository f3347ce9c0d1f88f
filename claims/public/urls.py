"""Routes of the public pages, under the site's root."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/<int:pk>/", views.claim_page, name="claim"),
    path("sources/<int:pk>/", views.source_page, name="source"),
]
