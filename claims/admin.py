"""Editor UI: sources and their claims, with notes, evidence and history."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import Claim, Evidence, ReviewNote, Source

# A URL typed without a scheme is taken as https, not http.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["title", "publisher", "published_on", "claim_count"]
    search_fields = ["title", "publisher", "url"]
    readonly_fields = ["sha256", "created_at", "updated_at"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(claim_total=Count("claims"))

    @admin.display(description="claims", ordering="claim_total")
    def claim_count(self, obj):
        return obj.claim_total


class ReviewNoteInline(admin.TabularInline):
    model = ReviewNote
    extra = 0
    readonly_fields = ["created_at"]


class EvidenceInline(admin.StackedInline):
    model = Evidence
    formfield_overrides = URL_FIELDS
    extra = 0
    readonly_fields = ["created_at"]


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["statement", "kind", "status", "subject", "value", "unit", "source", "updated_at"]
    list_filter = ["status", "kind", "unit", "origin", "anchor_state", "source"]
    list_select_related = ["source"]
    search_fields = ["quote", "statement", "subject"]
    readonly_fields = ["prefix", "suffix", "anchored_sha256", "reviewed_by", "reviewed_at", "version"]
    inlines = [ReviewNoteInline, EvidenceInline]
