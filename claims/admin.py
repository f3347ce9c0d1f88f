"""Editor UI: the claim list and page, the annotated article, notes, evidence and history.

Declarations and delegation only: rules live in workflow, spans and services.
"""

from html import escape as escape_html

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from import_export import fields
from import_export.formats.base_formats import CSV, JSON
from simple_history.admin import SimpleHistoryAdmin

from . import exports, selectors, services, spans, validators, workflow
from .forms import ClaimAdminForm
from .models import Claim, Evidence, ReviewNote, Source
from .numbers import plain_decimal
from .params import SEARCH_MAX_CHARS, at_most_search_words, column_value

# A URL typed without a scheme is taken as https, not http.
URL_FIELDS: dict[type[models.Field], dict[str, str]] = {models.URLField: {"assume_scheme": "https"}}


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


def render_pieces(pieces) -> str:
    """Article HTML whose text content is exactly the source text (the browser's offsets
    then count the same characters the server stores).

    A long article has tens of thousands of pieces: a claim's opening tag is built once,
    however many pieces it opens, the claim URL is reversed once for the page, and text is
    escaped with ``html.escape``, which is what Django's ``escape`` and ``format_html``
    call, over all the pieces at once.
    """
    marker = "2147483647"
    url_parts = reverse("admin:claims_claim_change", args=[int(marker)]).split(marker)
    labels = {status.value: escape_html(str(status.label)) for status in workflow.Status}
    texts = [piece.text for piece in pieces]
    if "\x00" not in "".join(texts):  # source texts never hold NUL: escape them in one pass
        texts = escape_html("\x00".join(texts)).split("\x00")
    else:
        texts = [escape_html(text) for text in texts]
    opening: dict[tuple[int, bool], str] = {}
    html = []
    for piece, text in zip(pieces, texts, strict=True):
        claim = piece.claim
        if claim is None:
            html.append(text)
            continue
        overlap = len(piece.claims) > 1
        tag = opening.get((claim.pk, overlap))
        if tag is None:
            url = (
                str(claim.pk).join(url_parts)
                if len(url_parts) == 2
                else reverse("admin:claims_claim_change", args=[claim.pk])
            )
            tag = opening[claim.pk, overlap] = (
                f'<a class="cb-mark cb-{escape_html(claim.status)}{" cb-overlap" if overlap else ""}" '
                f'href="{escape_html(url)}" data-claim="{claim.pk:d}" '
                f'title="{escape_html(claim.statement)} ({labels[claim.status]})">'
            )
        html += (tag, text, "</a>")
    return mark_safe("".join(html))  # every value above is escaped


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


class HasEvidenceFilter(admin.SimpleListFilter):
    title = "evidence"
    parameter_name = "has_evidence"

    def lookups(self, request, model_admin):
        return [("yes", "Has evidence"), ("no", "No evidence")]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return selectors.with_evidence_flag(queryset).filter(has_evidence=self.value() == "yes")
        return queryset


class ReviewerFilter(admin.SimpleListFilter):
    """Reviewers are staff accounts; listing them is cheap, unlike a DISTINCT over every claim."""

    title = "reviewer"
    parameter_name = "reviewed_by"

    def lookups(self, request, model_admin):
        users = get_user_model().objects.filter(is_staff=True).order_by("username")
        return [(str(user.pk), user.get_username()) for user in users]

    def queryset(self, request, queryset):
        if self.value():
            try:
                reviewer = column_value(Claim._meta.get_field("reviewed_by").target_field, self.value())
            except ValidationError as exc:  # the admin answers with ?e=1, as for any unknown lookup
                raise IncorrectLookupParameters(exc) from None
            return queryset.filter(reviewed_by_id=reviewer)
        return queryset


class ClaimResource(exports.SpreadsheetSafeResource):
    """What an export of claims holds, one row per claim; text cells cannot run as formulae."""

    source_title = fields.Field(attribute="source__title", column_name="source_title")
    source_url = fields.Field(attribute="source__url", column_name="source_url")
    reviewed_by = fields.Field(attribute="reviewed_by__username", column_name="reviewed_by")

    class Meta:
        model = Claim
        fields = [
            "id", "source", "source_title", "source_url", "span_start", "span_end", "quote", "statement", "kind",
            "subject", "value", "unit", "qualifier", "as_of", "as_of_precision", "status", "anchor_state", "origin",
            "confidence", "reviewed_by", "reviewed_at", "updated_at", "version",
        ]  # fmt: skip
        export_order = fields


@admin.register(Claim)
class ClaimAdmin(exports.SpreadsheetSafeExportActionMixin, SimpleHistoryAdmin):
    form = ClaimAdminForm
    resource_classes = [ClaimResource]
    formats = [CSV, JSON]  # exports of selected claims; any format a spreadsheet opens is escaped
    list_display = [
        "id", "status_label", "kind", "subject", "short_quote", "value_with_unit", "origin_label", "source_title",
        "reviewed_by", "updated_at",
    ]  # fmt: skip
    list_display_links = ["id", "short_quote"]
    list_filter = [
        "status", "kind", "unit", "origin", "anchor_state", ReviewerFilter, HasEvidenceFilter,
    ]  # fmt: skip
    # A sidebar of thousands of sources helps no one; the source page's "claims" link and the
    # annotated article's legend filter by source (?source__id__exact=...).
    show_full_result_count = False  # one COUNT(*) per page instead of two
    search_fields = ["quote", "statement", "subject"]
    ordering = ["-updated_at", "-id"]
    list_per_page = 50
    inlines = [EvidenceInline, ReviewNoteInline]
    actions = [
        "delete_selected", "start_review", "mark_verified", "mark_disputed", "mark_false", "mark_unverifiable",
        "reopen", "dismiss",
    ]  # fmt: skip
    readonly_fields = [
        "status_label", "anchor_state", "origin", "confidence", "extractor_version", "prefix", "suffix",
        "reviewed_by", "reviewed_at", "version", "created_at", "updated_at",
    ]  # fmt: skip

    def changelist_view(self, request, extra_context=None):
        # PostgreSQL text cannot hold NUL, and the admin hands filter values to the database as
        # they come: such a link is answered with the plain list and a message, never a 500.
        if any("\x00" in part for key, values in request.GET.lists() for part in (key, *values)):
            self.message_user(request, "Filters and searches cannot contain NUL characters; showing all claims.",
                              messages.ERROR)  # fmt: skip
            return HttpResponseRedirect(request.path)
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        try:
            if len(search_term) > SEARCH_MAX_CHARS:
                raise ValidationError(
                    "Search for at most %(limit)s characters (this has %(chars)s).",
                    params={"limit": SEARCH_MAX_CHARS, "chars": len(search_term)},
                )
            at_most_search_words(search_term)
        except ValidationError as exc:
            self.message_user(request, f"{exc.messages[0]} Nothing was searched.", messages.ERROR)
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def get_queryset(self, request):
        # The list shows the source's title, never its text: do not load 20 kB per row.
        return super().get_queryset(request).select_related("source", "reviewed_by").defer("source__text")

    def get_fieldsets(self, request, obj=None):
        span = ("The span", {"fields": ["source", ("span_start", "span_end"), "quote"]})
        claim = (
            "The claim",
            {
                "fields": [
                    "statement",
                    ("kind", "subject"),
                    ("value", "unit", "qualifier"),
                    ("as_of", "as_of_precision"),
                ]
            },
        )
        if obj is None:
            return [span, claim]
        review = (
            "Review",
            {
                "fields": [
                    ("status_label", "reviewed_by", "reviewed_at"),
                    "new_status",
                    "transition_note",
                    "expected_version",
                ]
            },
        )
        about = (
            "Record",
            {
                "classes": ["collapse"],
                "fields": [
                    ("origin", "confidence", "extractor_version"),
                    ("anchor_state", "version"),
                    ("prefix", "suffix"),
                    ("created_at", "updated_at"),
                ],
            },
        )
        return [review, span, claim, about]

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
        start, end, source_id = (request.GET.get(name) for name in ("utf16_start", "utf16_end", "source"))
        if not source_id or start is None or end is None:
            return initial
        try:
            source = Source.objects.filter(pk=column_value(Source._meta.pk, source_id)).first()
        except ValidationError:
            source = None
        if source is None:
            self.message_user(
                request, f"The selection could not be used: there is no source {source_id[:40]!r}.", messages.ERROR
            )
            return initial
        try:
            span_start = spans.utf16_to_codepoint(source.text, int(start), field="span_start")
            span_end = spans.utf16_to_codepoint(source.text, int(end), field="span_end")
        except (ValueError, spans.SpanError) as exc:
            self.message_user(
                request, f"The selection could not be used: {getattr(exc, 'message', exc)}", messages.ERROR
            )
            return initial
        initial.update(span_start=span_start, span_end=span_end, quote=source.text[span_start:span_end])
        return initial

    # -- writes through the services -------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.origin = Claim.Origin.EDITOR
            obj._history_user = request.user
            obj.save()  # the form has run the span check; the integrity signal runs it again
        # A change is written in save_related, after the evidence and notes of the same save:
        # the verdict may rest on evidence added with it.

    def save_formset(self, request, form, formset, change):
        for item in formset.save(commit=False):
            if item.pk is None and isinstance(item, ReviewNote):
                item.author = request.user
            if item.pk is None and isinstance(item, Evidence):
                item.added_by = request.user
            item.save()
        for item in formset.deleted_objects:
            if isinstance(item, Evidence):
                # Through the service: a verdict that loses its last evidence goes back to review.
                before = form.instance.version
                claim = services.evidence_delete(evidence=item, by=request.user)
                if form.cleaned_data.get("expected_version") == before:
                    form.cleaned_data["expected_version"] = claim.version  # moved by this same save
                form.instance.version, form.instance.status = claim.version, claim.status
            else:
                item.delete()

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
        except (services.StaleVersion, workflow.TransitionError) as exc:
            # Raised inside the admin's transaction: everything was rolled back.
            self.message_user(request, f"Nothing was saved. {getattr(exc, 'message', exc)}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # -- bulk workflow actions ---------------------------------------------------------------

    @admin.action(description="Start review (accept candidates)", permissions=["review"])
    def start_review(self, request, queryset):
        self._transition_each(request, queryset, workflow.Status.IN_REVIEW, "in review")

    @admin.action(description="Mark verified", permissions=["review"])
    def mark_verified(self, request, queryset):
        self._transition_each(request, queryset, workflow.Status.VERIFIED, "verified")

    @admin.action(description="Mark disputed", permissions=["review"])
    def mark_disputed(self, request, queryset):
        self._transition_each(request, queryset, workflow.Status.DISPUTED, "disputed")

    @admin.action(description="Mark false", permissions=["review"])
    def mark_false(self, request, queryset):
        self._transition_each(request, queryset, workflow.Status.FALSE, "false")

    @admin.action(description="Mark unverifiable", permissions=["review"])
    def mark_unverifiable(self, request, queryset):
        self._transition_each(request, queryset, workflow.Status.UNVERIFIABLE, "unverifiable")

    @admin.action(description="Reopen for review", permissions=["review"])
    def reopen(self, request, queryset):
        self._transition_each(request, queryset, workflow.Status.IN_REVIEW, "reopened")

    @admin.action(description="Dismiss candidates", permissions=["review"])
    def dismiss(self, request, queryset):
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
