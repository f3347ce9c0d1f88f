"""Editor UI: the claim list and page, the annotated article, notes, evidence and history, and
the known facts a claim may repeat or contradict (editors confirm or reject each suggestion).

Declarations and delegation only: rules live in workflow, spans and services (every write),
the list's filters and guards in admin_lists, exports in exports, the article's HTML in
article_html. Webhook endpoints are registered here, and the outbox read with its delivery log.
"""

import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from import_export.formats.base_formats import CSV, JSON
from simple_history.admin import SimpleHistoryAdmin

from . import exports, selectors, services, validators, workflow
from .admin_lists import FactConflictFilter, GuardedChangeListMixin, HasEvidenceFilter, InConflictFilter, ReviewerFilter
from .article_html import SUGGESTION_LABELS, render_pieces
from .forms import ClaimAdminForm, WebhookEndpointForm
from .models import (
    Claim,
    DeliveryAttempt,
    Evidence,
    Fact,
    FactMatch,
    ReviewNote,
    Source,
    WebhookDelivery,
    WebhookEndpoint,
)
from .numbers import plain_decimal

# A URL typed without a scheme is taken as https, not http.
URL_FIELDS: dict[type[models.Field], dict[str, str]] = {models.URLField: {"assume_scheme": "https"}}

# The bulk workflow actions: (name, menu label, target status, what the message says happened).
WORKFLOW_ACTIONS = [
    ("start_review", "Start review (accept candidates)", workflow.Status.IN_REVIEW, "in review"),
    ("mark_verified", "Mark verified", workflow.Status.VERIFIED, "verified"),
    ("mark_disputed", "Mark disputed", workflow.Status.DISPUTED, "disputed"),
    ("mark_false", "Mark false", workflow.Status.FALSE, "false"),
    ("mark_unverifiable", "Mark unverifiable", workflow.Status.UNVERIFIABLE, "unverifiable"),
    ("reopen", "Reopen for review", workflow.Status.IN_REVIEW, "reopened"),
    ("dismiss", "Dismiss candidates", workflow.Status.DISMISSED, "dismissed"),
]


def workflow_action(name: str, label: str, to: workflow.Status, verb: str):
    """An admin action moving each selected claim to ``to`` through the workflow, saying per
    claim what happened."""

    @admin.action(description=label, permissions=["review"])
    def action(modeladmin, request, queryset):
        for claim in queryset.order_by("pk"):
            try:
                services.claim_transition(claim=claim, to=to, by=request.user)
            except workflow.TransitionError as exc:
                modeladmin.message_user(request, f"Claim {claim.pk} not {verb}: {exc.message}", messages.WARNING)
            else:
                modeladmin.message_user(request, f"Claim {claim.pk} {verb}.", messages.SUCCESS)

    action.__name__ = name
    return action


def status_badge(status: str) -> str:
    return format_html('<span class="cb-badge cb-{}">{}</span>', status, workflow.Status(status).label)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["title", "publisher", "published_on", "claim_count", "annotated_link"]
    search_fields = ["title", "publisher", "url"]
    readonly_fields = ["sha256", "created_at", "updated_at"]
    actions = ["propose_claims"]
    change_form_template = "admin/claims/source/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("text").annotate(claim_total=Count("claims"))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "url":
            # the model's http(s) rule and message, not the form's "Enter a valid URL." that lets ftp:// through
            field.validators = [validators.source_url]
        return field

    def get_urls(self):
        view = self.admin_site.admin_view(self.annotated_view)
        return [path("<int:pk>/annotated/", view, name="claims_source_annotated"), *super().get_urls()]

    @admin.display(description="claims", ordering="claim_total")
    def claim_count(self, obj):
        return obj.claim_total

    @admin.display(description="article")
    def annotated_link(self, obj):
        return format_html(
            '<a href="{}">Read with highlights</a>', reverse("admin:claims_source_annotated", args=[obj.pk])
        )

    def annotated_view(self, request, pk):
        """The whole article with every claim highlighted in its status colour."""
        source = get_object_or_404(Source, pk=pk)
        if not self.has_view_permission(request, source):
            raise PermissionDenied  # admin_view has already sent anonymous visitors to the login page
        article = selectors.annotated_article(source)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{source.title}: annotated article",
            "source": source,
            "opts": self.model._meta,
            "article_html": render_pieces(article["pieces"]),
            "legend": [(status, label, count) for status, label, count in article["legend"]],
            "total": article["total"],
            "suggested": [
                (relation, label, article["suggested"].get(relation, 0))
                for relation, label in SUGGESTION_LABELS.items()
            ],
            "orphaned": article["orphaned"],
            "can_add_claim": request.user.has_perm("claims.add_claim"),
            "add_url": reverse("admin:claims_claim_add"),
        }
        return TemplateResponse(request, "admin/claims/source/annotated.html", context)

    @admin.action(description="Propose claims (run the extractor)", permissions=["add_claim"])
    def propose_claims(self, request, queryset):
        for source in queryset:
            report = services.source_propose_claims(source=source, by=request.user)
            self.message_user(request, report.summary(), messages.SUCCESS)

    def has_add_claim_permission(self, request):
        return request.user.has_perm("claims.add_claim")

    # -- writes through the services ---------------------------------------------------------

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.SOURCE_EDITABLE}
        if change:
            services.source_update(source=obj, by=request.user, **fields)
        else:
            copy_into(obj, services.source_create(by=request.user, **fields))

    def delete_model(self, request, obj):
        services.source_delete(source=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for source in queryset.order_by("pk"):
            services.source_delete(source=source, by=request.user)


class ReviewNoteInline(admin.TabularInline):
    """Append-only: existing notes are shown, never edited or deleted; author and time are set."""

    model = ReviewNote
    fields = ["body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    extra = 1
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.StackedInline):
    model = Evidence
    formfield_overrides = URL_FIELDS
    fields = [("url", "stance"), ("title", "publisher"), ("value_found", "retrieved_on"), "note", "added_by"]
    readonly_fields = ["added_by"]
    extra = 0


@admin.register(Claim)
class ClaimAdmin(GuardedChangeListMixin, exports.SpreadsheetSafeExportActionMixin, SimpleHistoryAdmin):
    form = ClaimAdminForm
    resource_classes = [exports.ClaimResource]
    formats = [CSV, JSON]  # exports of selected claims; any format a spreadsheet opens is escaped
    list_display = [
        "id", "status_label", "kind", "subject", "short_quote", "value_with_unit", "origin_label", "source_title",
        "reviewed_by", "updated_at",
    ]  # fmt: skip
    list_display_links = ["id", "short_quote"]
    list_filter = [
        "status", "kind", "unit", "origin", "anchor_state", ReviewerFilter, HasEvidenceFilter, InConflictFilter,
    ]  # fmt: skip
    # A sidebar of thousands of sources helps no one; the source page's "claims" link and the
    # annotated article's legend filter by source (?source__id__exact=...).
    show_full_result_count = False  # one COUNT(*) per page instead of two
    search_fields = ["quote", "statement", "subject"]
    ordering = ["-updated_at", "-id"]
    list_per_page = 50
    change_form_template = "admin/claims/claim/change_form.html"  # with the known-facts panel
    inlines = [EvidenceInline, ReviewNoteInline]
    actions = ["delete_selected", *(workflow_action(*row) for row in WORKFLOW_ACTIONS)]
    readonly_fields = [
        "status_label", "anchor_state", "origin", "confidence", "extractor_version", "prefix", "suffix",
        "reviewed_by", "reviewed_at", "version", "created_at", "updated_at",
    ]  # fmt: skip

    def get_queryset(self, request):
        # The list shows the source's title, never its text: do not load 20 kB per row.
        return super().get_queryset(request).select_related("source", "reviewed_by").defer("source__text")

    add_fieldsets = [
        ("The span", {"fields": ["source", ("span_start", "span_end"), "quote"]}),
        ("The claim", {"fields": ["statement", ("kind", "subject"), ("value", "unit", "qualifier"),
                                  ("as_of", "as_of_precision")]}),
    ]  # fmt: skip
    fieldsets = [
        ("Review", {"fields": [("status_label", "reviewed_by", "reviewed_at"), "new_status", "transition_note",
                               "rationale", "expected_version"]}),
        *add_fieldsets,
        ("Record", {"classes": ["collapse"], "fields": [("origin", "confidence", "extractor_version"),
                                                        ("anchor_state", "version"), ("prefix", "suffix"),
                                                        ("created_at", "updated_at")]}),
    ]  # fmt: skip

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        if workflow.can_review(request.user):
            return self.fieldsets
        return [(name, {**options, "fields": [f for f in options["fields"] if f != "new_status"]})
                for name, options in self.fieldsets]  # fmt: skip

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.may_review = workflow.can_review(request.user)  # the status field is offered to reviewers only
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*self.readonly_fields, "source"]  # a claim never moves to another article
        return self.readonly_fields

    @admin.display(description="status", ordering="status")
    def status_label(self, obj):
        return status_badge(obj.status)

    @admin.display(description="quote")
    def short_quote(self, obj):
        return obj.quote if len(obj.quote) <= 70 else obj.quote[:69] + "…"

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        # Django renders this checkbox through the form template engine once per row, a sixth
        # of the whole list's time; the same element written directly.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    @admin.display(description="value", ordering="value")
    def value_with_unit(self, obj):
        if obj.value is None:
            return "—"
        return f"{plain_decimal(obj.value)} {obj.unit}"

    @admin.display(description="origin", ordering="confidence")
    def origin_label(self, obj):
        if obj.origin == Claim.Origin.EXTRACTOR and obj.confidence is not None:
            return f"Extractor ({obj.confidence:.2f})"
        return obj.get_origin_display()

    @admin.display(description="source", ordering="source__title")
    def source_title(self, obj):
        return obj.source.title

    # -- the browser's selection becomes a span ------------------------------------------

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        selection = [request.GET.get(name) for name in ("source", "utf16_start", "utf16_end")]
        if None in selection or not selection[0]:
            return initial
        try:
            source, span_start, span_end = selectors.selection_span(*selection)
        except selectors.SelectionRefused as exc:
            self.message_user(request, f"The selection could not be used: {exc.message}", messages.ERROR)
            return initial
        initial.update(span_start=span_start, span_end=span_end, quote=source.text[span_start:span_end])
        return initial

    # -- writes through the services -------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            fields = {name: getattr(obj, name) for name in services.CLAIM_EDITABLE}
            copy_into(obj, services.claim_create(source=obj.source, by=request.user, **fields))
        # A change is written in save_related, after the evidence and notes of the same save:
        # the verdict may rest on evidence added with it.

    def save_formset(self, request, form, formset, change):
        claim, by = form.instance, request.user
        added = []
        for item in formset.save(commit=False):
            if isinstance(item, ReviewNote):  # append-only: every note here is a new one
                added.append(services.note_add(claim=claim, by=by, body=item.body))
            elif item.pk is None:
                added.append(services.evidence_add(claim=claim, by=by, **inline_values(formset, item)))
            else:
                services.evidence_update(evidence=item, by=by, **inline_values(formset, item))
        formset.new_objects = added  # the stored items, named in the history's change message
        for item in formset.deleted_objects:  # evidence only: notes cannot be deleted
            # Through the service: a verdict that loses its last evidence goes back to review.
            before = claim.version
            updated = services.evidence_delete(evidence=item, by=by)
            if form.cleaned_data.get("expected_version") == before:
                form.cleaned_data["expected_version"] = updated.version  # moved by this same save
            claim.version, claim.status = updated.version, updated.status

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        target, note = form.cleaned_data.get("new_status"), form.cleaned_data.get("transition_note")
        if not change:
            if target:
                services.claim_transition(claim=form.instance, to=target, by=request.user, note=note)
            elif note and note.strip():
                services.note_add(claim=form.instance, by=request.user, body=note)
            return
        # One locked write: the fields, the status and the note together, one new version,
        # refused whole when someone saved since this editor opened the page.
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in services.CLAIM_EDITABLE}
        services.claim_update(
            claim=form.instance, by=request.user, data=data, status=target or None, note=note,
            expected_version=form.cleaned_data.get("expected_version"),
        )  # fmt: skip

    def delete_model(self, request, obj):
        services.claim_delete(claim=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for claim in queryset.order_by("pk"):
            services.claim_delete(claim=claim, by=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        """A claim with a verdict, notes or evidence is kept: the page says why and deletes nothing."""
        claim = self.get_object(request, unquote(object_id))
        if claim is not None and self.has_delete_permission(request, claim) and self._refuse_deletion(request, [claim]):
            return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        try:
            return super().delete_view(request, object_id, extra_context)
        except services.ClaimHasRecord as exc:  # a note added meanwhile; the transaction was rolled back
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))

    @admin.action(description="Delete selected claims", permissions=["delete"])
    def delete_selected(self, request, queryset):
        """Django's bulk delete, refused whole when any selected claim has a record."""
        if self._refuse_deletion(request, queryset.order_by("pk")):
            return None
        try:
            with transaction.atomic():
                return django_delete_selected(self, request, queryset)
        except services.ClaimHasRecord as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return None

    def _refuse_deletion(self, request, claims) -> bool:
        """Say, for each claim that has a record, why it cannot be deleted; True if any has."""
        refused = False
        for claim in claims:
            refusal = services.claim_deletion_refusal(claim)
            if refusal is not None:
                self.message_user(request, refusal.message, messages.ERROR)
                refused = True
        return refused

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleVersion as exc:  # raised inside the admin's transaction: all was rolled back
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        except workflow.TransitionError as exc:
            self.message_user(request, f"Nothing was saved. {exc.message}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def has_review_permission(self, request):
        return workflow.can_review(request.user)

    # -- known facts: the suggestions an editor confirms or rejects ------------------------

    def get_urls(self):
        def decide(decision):
            view = self.admin_site.admin_view(self.match_decide_view)
            route = f"<path:object_id>/matches/<int:match_id>/{decision}/"
            return path(route, view, {"decision": decision}, name=f"claims_claim_match_{decision}")

        return [decide("confirm"), decide("reject"), *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            may_decide = self.has_change_permission(request, obj)
            facts = selectors.claim_facts(obj)
            context["facts"] = facts
            context["suggestions"] = [
                (
                    item,
                    match_buttons(item.match, obj, may_review=workflow.can_review(request.user)) if may_decide else [],
                )
                for item in facts.suggestions
            ]
            context["read_version"] = obj.version  # what a decision on this page was made at
        return super().render_change_form(request, context, add, change, form_url, obj)

    def match_decide_view(self, request, object_id, match_id, decision):
        """Confirm or reject one suggested match (a POST from the claim page), through the
        services, at the claim version the page was read at; then back to the claim page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, claim):
            raise PermissionDenied
        back = HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        match = FactMatch.objects.select_related("fact").filter(pk=match_id, claim_id=claim.pk).first()
        if match is None:  # matching suggests afresh when what a claim says changes
            self.message_user(request, f"{MATCH_GONE.format(claim=claim.pk)} Nothing was changed.", messages.ERROR)
            return back
        try:
            expected = int(request.POST.get("expected_version", ""))
        except ValueError:
            self.message_user(request, VERSION_MISSING, messages.ERROR)
            return back
        adopt = decision == "confirm" and request.POST.get("adopt_verdict") == "yes"
        if adopt and not workflow.can_review(request.user):
            self.message_user(request, ADOPT_REFUSED, messages.ERROR)
            return back
        before, fact_before = claim.status, match.fact.status
        try:
            if decision == "confirm":
                updated = services.match_confirm(match=match, by=request.user, adopt_verdict=adopt,
                                                 expected_version=expected)  # fmt: skip
            else:
                updated = services.match_reject(match=match, by=request.user, expected_version=expected)
        except services.StaleVersion as exc:
            self.message_user(request, exc.message, messages.ERROR)
        except services.MatchDecided as exc:
            self.message_user(request, exc.message, messages.WARNING)
        else:
            fact_took = Fact.objects.filter(pk=match.fact_id).exclude(status=fact_before).exists()
            self.message_user(request, decided_message(match, decision, before, updated, fact_took), messages.SUCCESS)
        return back


VERSION_MISSING = (
    "This page is out of date: it was sent without the version of the claim it shows, so a colleague's change "
    "could be overwritten. Nothing was changed: reload the page, then decide again."
)
MATCH_GONE = "That suggestion is no longer one of claim {claim}'s: the claim changed since you read it."
ADOPT_REFUSED = (
    "Taking a fact's verdict needs review permission: confirm without the verdict, or ask a reviewer. "
    "Nothing was changed."
)


def match_buttons(match: FactMatch, claim: Claim, *, may_review: bool) -> list[tuple[str, str, str, str]]:
    """The claim page's buttons for one suggestion: (decision, adopt_verdict, label, CSS class)."""
    if match.relation == FactMatch.Relation.CONFLICTS:
        return [("confirm", "no", "Confirm the conflict", "cb-confirm"),
                ("reject", "", "Reject: no conflict", "cb-reject")]  # fmt: skip
    verdict = match.fact.status
    buttons = []
    if verdict in workflow.REVIEWED and verdict != claim.status:
        if may_review:
            label = f"Confirm and take its verdict: {workflow.Status(verdict).label}"
            buttons.append(("confirm", "yes", label, "cb-confirm"))
        buttons.append(("confirm", "no", "Confirm without the verdict", "cb-confirm-plain"))
    elif verdict not in workflow.REVIEWED and claim.status in workflow.REVIEWED:
        if may_review:
            label = f"Confirm and give the fact this claim's verdict: {workflow.Status(claim.status).label}"
            buttons.append(("confirm", "yes", label, "cb-confirm"))
        buttons.append(("confirm", "no", "Confirm without the verdict", "cb-confirm-plain"))
    else:
        buttons.append(("confirm", "no", "Confirm: the same fact", "cb-confirm"))
    return [*buttons, ("reject", "", "Reject: not this fact", "cb-reject")]


NOT_AGAIN = "the suggestion is rejected and will not be made again."


def decided_message(match: FactMatch, decision: str, before: str, claim: Claim, fact_took: bool = False) -> str:
    """What the editor is told after deciding on a suggestion."""
    fact = match.fact_id
    if decision == "reject":
        if match.relation == FactMatch.Relation.CONFLICTS:
            return f"Claim {claim.pk} does not conflict with fact {fact}: {NOT_AGAIN}"
        return f"Claim {claim.pk} is not fact {fact}: {NOT_AGAIN}"
    if match.relation == FactMatch.Relation.CONFLICTS:
        return (
            f"Conflict of claim {claim.pk} with fact {fact} confirmed: the flag is lifted and a note on the claim "
            "records it."
        )
    status = workflow.Status(claim.status).label
    if claim.status != before:
        return f"Claim {claim.pk} is now an appearance of fact {fact} and takes its verdict: {status}."
    if fact_took:
        return f"Claim {claim.pk} is now an appearance of fact {fact}, which takes its verdict: {status}."
    return f"Claim {claim.pk} is now an appearance of fact {fact}; its status stays {status}."


@admin.register(Fact)
class FactAdmin(SimpleHistoryAdmin):
    """Facts are read here: their appearances, open matches and history. Facts are made by claims
    and take their verdicts from them; an editor may only reword a fact's statement or subject.
    Who may read or reword facts is who may read or change claims."""

    list_display = ["id", "short_statement", "verdict", "appearance_count", "value_with_unit", "updated_at"]
    list_display_links = ["id", "short_statement"]
    list_filter = ["status", FactConflictFilter, "kind", "unit"]
    search_fields = ["statement", "subject"]
    ordering = ["-updated_at", "-id"]
    list_per_page = 50
    show_full_result_count = False
    change_form_template = "admin/claims/fact/change_form.html"
    fields = [
        "statement", ("kind", "subject"), ("value", "unit", "qualifier"), ("as_of", "as_of_precision"),
        ("verdict", "reviewed_by", "reviewed_at"), ("created_at", "updated_at"),
    ]  # fmt: skip
    readonly_fields = [
        "kind", "value", "unit", "qualifier", "as_of", "as_of_precision", "verdict", "reviewed_by", "reviewed_at",
        "created_at", "updated_at",
    ]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewed_by").annotate(appearances=Count("claims"))

    def has_module_permission(self, request):
        return request.user.has_module_perms("claims")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("claims.view_claim") or request.user.has_perm("claims.change_claim")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("claims.change_claim")

    def has_add_permission(self, request):
        return False  # a fact starts with its first claim

    def has_delete_permission(self, request, obj=None):
        return False  # a fact goes when its last appearance does

    @admin.display(description="statement", ordering="statement")
    def short_statement(self, obj):
        return obj.statement if len(obj.statement) <= 90 else obj.statement[:89] + "…"

    @admin.display(description="verdict", ordering="status")
    def verdict(self, obj):
        return status_badge(obj.status)

    @admin.display(description="appearances", ordering="appearances")
    def appearance_count(self, obj):
        return obj.appearances

    @admin.display(description="value", ordering="value")
    def value_with_unit(self, obj):
        return "—" if obj.value is None else f"{plain_decimal(obj.value)} {obj.unit}"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["record"] = selectors.fact_record(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.FACT_EDITABLE if name in form.cleaned_data}
        copy_into(obj, services.fact_update(fact=obj, by=request.user, **fields))


def inline_values(formset, item) -> dict:
    """The fields an inline form edits, as ``item`` holds them after the form ran."""
    return {name: getattr(item, name) for name in formset.form.base_fields if name != "DELETE"}


def copy_into(instance, created) -> None:
    """Make the admin's own unsaved ``instance`` the row a service created: the admin goes on
    with it (inlines, history message, redirect)."""
    instance.pk = created.pk
    instance.refresh_from_db()
    instance._state.adding = False


# -- webhooks: endpoints (who may register them: the claims.*_webhookendpoint permissions) and the
# delivery log -----------------------------------------------------------------------------------


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "subscribed", "active", "delivery_counts", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "description"]
    readonly_fields = ["secret", "created_by", "created_at"]

    def get_fields(self, request, obj=None):
        fields = ["url", "description", "event_types", "active"]
        return fields if obj is None else [*fields, "secret", "created_by", "created_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                delivered=Count("deliveries", filter=models.Q(deliveries__state=WebhookDelivery.State.DELIVERED)),
                pending=Count("deliveries", filter=models.Q(deliveries__state=WebhookDelivery.State.PENDING)),
                failed=Count("deliveries", filter=models.Q(deliveries__state=WebhookDelivery.State.FAILED)),
            )
        )

    @admin.display(description="event types")
    def subscribed(self, obj):
        return ", ".join(obj.event_types)

    @admin.display(description="deliveries")
    def delivery_counts(self, obj):
        return f"{obj.delivered} delivered, {obj.pending} pending, {obj.failed} failed"

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.WEBHOOK_ENDPOINT_EDITABLE}
        if change:
            copy_into(obj, services.webhook_endpoint_update(endpoint=obj, by=request.user, **fields))
        else:
            copy_into(obj, services.webhook_endpoint_create(by=request.user, **fields))


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    verbose_name_plural = "delivery log"
    fields = readonly_fields = ("at", "status_code", "error", "duration_ms")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The outbox and its log: read-only; "Send again" makes deliveries pending, due now."""

    list_display = ["msg_id", "endpoint", "event_summary", "state", "attempts", "last_status_code", "next_attempt_at"]
    list_filter = ["state", "endpoint"]
    search_fields = ["msg_id", "endpoint__url"]
    list_select_related = ["endpoint", "event"]
    fields = readonly_fields = (
        "msg_id", "endpoint", "event", "state", "attempts", "next_attempt_at", "locked_until", "last_status_code",
        "last_error", "delivered_at", "created_at", "payload_json",
    )  # fmt: skip
    inlines = [DeliveryAttemptInline]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False  # the outbox is written with the events

    def has_delete_permission(self, request, obj=None):
        return False  # the log stays

    @admin.display(description="event", ordering="event")
    def event_summary(self, obj):
        return str(obj.event)

    @admin.display(description="payload")
    def payload_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, ensure_ascii=False))

    @admin.action(description="Send again", permissions=["change"])
    def send_again(self, request, queryset):
        count = services.webhook_deliveries_resend(deliveries=queryset, by=request.user)
        self.message_user(
            request, f"{count} deliver{'y' if count == 1 else 'ies'} will be sent again now.", messages.SUCCESS
        )
