"""Editor UI: sources and their claims, with notes, evidence and history."""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from . import services, workflow
from .models import Claim, Evidence, ReviewNote, Source

# A URL typed without a scheme is taken as https, not http.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["title", "publisher", "published_on", "claim_count"]
    search_fields = ["title", "publisher", "url"]
    readonly_fields = ["sha256", "created_at", "updated_at"]
    actions = ["propose_claims"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_total=Count("claims"))

    @admin.display(description="claims", ordering="claim_total")
    def claim_count(self, obj):
        return obj.claim_total

    @admin.action(description="Propose claims (run the extractor)", permissions=["add_claim"])
    def propose_claims(self, request, queryset):
        for source in queryset:
            report = services.source_propose_claims(source=source, by=request.user)
            self.message_user(request, report.summary(), messages.SUCCESS)

    def has_add_claim_permission(self, request):
        return request.user.has_perm("claims.add_claim")


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
    list_display = ["statement", "kind", "status", "subject", "value", "unit", "origin", "confidence", "source"]
    list_filter = ["status", "kind", "unit", "origin", "anchor_state", "source"]
    list_select_related = ["source"]
    search_fields = ["quote", "statement", "subject"]
    readonly_fields = ["prefix", "suffix", "anchored_sha256", "reviewed_by", "reviewed_at", "version"]
    inlines = [ReviewNoteInline, EvidenceInline]
    actions = ["accept_candidates", "dismiss_candidates"]

    @admin.action(description="Accept selected candidates (start their review)", permissions=["review"])
    def accept_candidates(self, request, queryset):
        self._transition_each(request, queryset, workflow.Status.IN_REVIEW, "accepted")

    @admin.action(description="Dismiss selected candidates", permissions=["review"])
    def dismiss_candidates(self, request, queryset):
        self._transition_each(request, queryset, workflow.Status.DISMISSED, "dismissed")

    def has_review_permission(self, request):
        return request.user.has_perm("claims.review_claim")

    def _transition_each(self, request, queryset, to, verb):
        """Move each claim on its own and say per claim what happened."""
        for claim in queryset.order_by("pk"):
            try:
                services.claim_transition(claim=claim, to=to, by=request.user)
            except workflow.TransitionError as exc:
                self.message_user(request, f"Claim {claim.pk} not {verb}: {exc.message}", messages.WARNING)
            else:
                self.message_user(request, f"Claim {claim.pk} {verb}.", messages.SUCCESS)
