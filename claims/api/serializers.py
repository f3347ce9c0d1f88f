"""JSON shapes of sources, claims, notes, evidence, facts, matches and change events (ClaimReview
JSON-LD is built by claims.claimreview)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims import services, validators, workflow
from claims.models import NOTE_MAX_CHARS, ChangeEvent, Claim, Evidence, Fact, FactMatch, ReviewNote, Source
from claims.numbers import plain_decimal


class PlainDecimalField(serializers.DecimalField):
    """A decimal as a string without padding zeros: "50000000000", "6.9"."""

    def to_representation(self, value):
        return None if value is None else plain_decimal(super().to_internal_value(value))


class StrictText:
    """Text that must arrive as a JSON string: 12 or true is refused ("Not a valid string.",
    code not_a_string), not stored as "12"."""

    # DRF gathers default_error_messages along the MRO, so the fields keep their own messages too.
    default_error_messages = {"not_a_string": "Not a valid string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictCharField(StrictText, serializers.CharField):  # type: ignore[misc]  # see StrictText
    pass


class WebURLField(StrictText, serializers.URLField):  # type: ignore[misc]  # see StrictText
    """A URL sent as a JSON string. Given an http(s) rule of claims.validators, that rule alone
    checks it, so every refused URL (javascript:, ftp:, malformed) gets the one message it gives
    rather than DRF's generic "Enter a valid URL." for some."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        rules = [v for v in self.validators if v in (validators.evidence_url, validators.source_url)]
        if rules:
            self.validators = [v for v in self.validators if not isinstance(v, URLValidator) or v in rules]


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer with strict text: every text and URL column takes JSON strings only."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.URLField: WebURLField,
    }


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for people.")
    code = serializers.CharField(help_text="Stable error code, for programs, e.g. end_past_end or not_found.")
    # A declared field, which DRF's metaclass takes out of the class: it does not hide Serializer.errors.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation failures only: messages per field or query parameter.",
    )


class SourceListSerializer(ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "title", "publisher", "url", "published_on", "sha256", "created_at", "updated_at"]


class SourceSerializer(SourceListSerializer):
    text_length = serializers.SerializerMethodField(help_text="Length of the text in code points.")

    class Meta(SourceListSerializer.Meta):
        fields = [*SourceListSerializer.Meta.fields, "text_length", "text"]

    def get_text_length(self, obj) -> int:
        return len(obj.text)


class EvidenceSerializer(ModelSerializer):
    value_found = PlainDecimalField(max_digits=24, decimal_places=6, allow_null=True, required=False)

    class Meta:
        model = Evidence
        fields = ["id", "url", "title", "publisher", "stance", "value_found", "retrieved_on", "note", "created_at"]
        read_only_fields = ["id", "created_at"]
        # DRF leaves a model URLField's own validators out; the evidence rule is stated here by name.
        extra_kwargs = {"url": {"validators": [validators.evidence_url]}}


class NoteSerializer(ModelSerializer):
    author: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Empty for notes Claimbook wrote itself."
    )

    class Meta:
        model = ReviewNote
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class ClaimSerializer(ModelSerializer):
    """A claim as everyone sees it; ``notes`` and ``reviewed_by`` are added for editors.

    The one definition of the claim JSON: the list and the detail read it through
    claims.api.claim_json (on PostgreSQL as SQL generated from these fields), so a field added
    here is in every response.
    """

    source_url = serializers.CharField(
        source="source.url", read_only=True, help_text="URL of the article the claim comes from."
    )
    source_title = serializers.CharField(source="source.title", read_only=True)
    value = PlainDecimalField(
        max_digits=24,
        decimal_places=6,
        allow_null=True,
        required=False,
        help_text='The figure as a decimal string (never a float), e.g. "50000000000" or "6.9".',
    )
    quote = StrictCharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text="Exactly source.text[span_start:span_end]; may be omitted on create.",
    )  # fmt: skip
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id", "source", "source_url", "source_title", "span_start", "span_end", "quote", "prefix", "suffix",
            "statement", "kind", "subject", "value", "unit", "qualifier", "as_of", "as_of_precision", "status",
            "rationale", "anchor_state", "origin", "confidence", "evidence", "reviewed_at", "created_at", "updated_at",
            "version", "fact",
        ]  # fmt: skip
        read_only_fields = [
            "id", "prefix", "suffix", "status", "anchor_state", "origin", "confidence", "reviewed_at", "created_at",
            "updated_at", "version", "fact",
        ]  # fmt: skip

    # Span, quote, quantity and as-of rules are checked by the model (Claim.clean) when the
    # service writes, the same check the admin and fixtures get; failures come back as 400s.


class EditorClaimSerializer(ClaimSerializer):
    notes = NoteSerializer(many=True, read_only=True)
    reviewed_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "notes", "reviewed_by"]


class ClaimWriteSerializer(ClaimSerializer):
    """Create and update: the editable fields, plus a status change through the workflow."""

    status = serializers.ChoiceField(
        choices=workflow.Status.choices, required=False,
        help_text="A new status; the change goes through the review workflow and may need evidence or a note.",
    )  # fmt: skip
    note = StrictCharField(
        required=False, allow_blank=False, write_only=True, max_length=NOTE_MAX_CHARS,
        help_text="A note to append, e.g. why a verdict rests on no evidence item.",
    )  # fmt: skip

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "note"]
        read_only_fields = [f for f in ClaimSerializer.Meta.read_only_fields if f != "status"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["source"].read_only = True  # a claim never moves to another article
        return fields

    def create(self, validated_data):
        validated_data.pop("status", None)
        validated_data.pop("note", None)
        source = validated_data.pop("source")
        try:
            return services.claim_create(source=source, by=self.context["request"].user, **validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from None


# -- facts and the matches suggested for a claim ------------------------------------------------


FACT_STATUSES = workflow.FACT_STATUS_CHOICES


class AppearanceSerializer(serializers.ModelSerializer):
    """Where a fact appears: one claim, its span and its article."""

    claim = serializers.IntegerField(source="id", read_only=True, help_text="ID of the claim, e.g. 12.")
    # A declared field named as the claim JSON names it; Field.source (the attribute read) is not shadowed.
    source = serializers.IntegerField(  # type: ignore[assignment]
        source="source_id", read_only=True, help_text="ID of the source, e.g. 1."
    )
    source_url = serializers.CharField(source="source.url", read_only=True)
    source_title = serializers.CharField(source="source.title", read_only=True)
    source_published_on = serializers.DateField(source="source.published_on", read_only=True, allow_null=True)

    class Meta:
        model = Claim
        fields = [
            "claim", "source", "source_url", "source_title", "source_published_on", "quote", "span_start", "span_end",
            "status",
        ]  # fmt: skip


class FactSerializer(serializers.ModelSerializer):
    """A fact, its verdict and where it appears (the appearances the caller may see)."""

    value = PlainDecimalField(
        max_digits=24, decimal_places=6, allow_null=True, read_only=True, help_text='The figure, e.g. "50000000000".'
    )
    status = serializers.ChoiceField(
        choices=FACT_STATUSES, read_only=True, help_text="The fact's verdict, which every appearance shows."
    )
    appearances = AppearanceSerializer(many=True, read_only=True, help_text="First appearance first.")
    first_appearance = serializers.SerializerMethodField(
        help_text="The earliest appearance: by its article's publication date, then by when the claim was made."
    )
    claim_count = serializers.SerializerMethodField(help_text="How many appearances (claims) the fact has.")
    score = serializers.SerializerMethodField(
        help_text="With q: how well the fact answers the search, 0 to 1; otherwise null."
    )

    class Meta:
        model = Fact
        fields = [
            "id", "statement", "kind", "subject", "value", "unit", "qualifier", "as_of", "as_of_precision", "status",
            "rationale", "reviewed_at", "updated_at", "claim_count", "first_appearance", "appearances", "score",
        ]  # fmt: skip
        # Output only (the view has no write), and not read_only_fields: DRF would drop allow_blank, and the
        # schema would not admit the empty unit of a factual fact.

    @extend_schema_field(AppearanceSerializer(allow_null=True))
    def get_first_appearance(self, fact) -> dict | None:
        return None  # filled in to_representation from the appearances already written

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # The first appearance is the first of those written just above: the same JSON, not a
        # serializer built again per fact (most of a search page's time).
        data["first_appearance"] = data["appearances"][0] if data["appearances"] else None
        return data

    def get_claim_count(self, fact) -> int:
        return len(fact.appearances)

    def get_score(self, fact) -> float | None:
        return self.context.get("scores", {}).get(fact.pk)


class MatchSerializer(serializers.ModelSerializer):
    """A known fact suggested for a claim: the claim may state it (same) or contradict it."""

    fact = serializers.IntegerField(source="fact_id", read_only=True, help_text="ID of the fact, e.g. 7.")
    statement = serializers.CharField(source="fact.statement", read_only=True)
    status = serializers.ChoiceField(
        source="fact.status", choices=FACT_STATUSES, read_only=True, help_text="The fact's verdict."
    )
    value = PlainDecimalField(source="fact.value", max_digits=24, decimal_places=6, allow_null=True, read_only=True)
    unit = serializers.CharField(source="fact.unit", read_only=True)
    claims = serializers.SerializerMethodField(help_text="IDs of the fact's appearances (claims).")
    why = serializers.CharField(source="reasons", read_only=True, help_text="What matching saw, e.g. same subject.")

    class Meta:
        model = FactMatch
        fields = ["fact", "relation", "score", "statement", "status", "value", "unit", "claims", "why"]
        read_only_fields = fields

    def get_claims(self, match) -> list[int]:
        return [claim.pk for claim in match.fact.appearances]


class ConfirmMatchSerializer(serializers.Serializer):
    adopt_verdict = serializers.BooleanField(
        required=False,
        help_text="Whether the claim takes the fact's verdict (needs the permission to review claims). "
        "Default: true for those who may review, false for others.",
    )


# -- the change feed ------------------------------------------------------------------------------


class ChangeEventSerializer(serializers.ModelSerializer):
    """One change to the public set (``claims.publishing``)."""

    event = serializers.CharField(source="kind", read_only=True, help_text="published, updated or withdrawn.")
    claim = serializers.JSONField(
        source="payload",
        read_only=True,
        allow_null=True,
        help_text="The claim's public JSON after the change, as GET /api/claims/{id}/ gives it; null for a withdrawal.",
    )

    class Meta:
        model = ChangeEvent
        fields = ["seq", "event", "claim_id", "status", "at", "claim"]
        read_only_fields = fields


class ChangeFeedSerializer(serializers.Serializer):
    results = ChangeEventSerializer(many=True)
    next = serializers.URLField(help_text="Where to read next: the same feed after the last event of this page.")
    has_more = serializers.BooleanField(help_text="Whether more events were waiting: read next at once if so.")
