"""Claimbook's data: articles (Source), the claims anchored in them, and their review.

Span integrity is enforced three times over: ``Claim.clean()`` for forms, a ``pre_save``
check for raw saves (fixtures), and database constraints for everything else.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length, Upper
from django.db.models.lookups import Exact
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import numbers, spans, units, validators, workflow
from .conf import claimbook_settings

# Longest statement and note accepted: a claim restated is a sentence or two; a reviewer's note
# may be long, but a megabyte of it is an attack, not a note (forms and the API refuse more).
STATEMENT_MAX_CHARS = 2_000
NOTE_MAX_CHARS = 10_000
# What a fact takes from the claim it starts from, and what matching compares.
FACT_FIELDS = ("statement", "kind", "subject", "value", "unit", "qualifier", "as_of", "as_of_precision")


def validate_storable_value(value) -> None:
    """A figure both databases give back exactly (claims.numbers.check_value), or a ValidationError
    that says the limit."""
    try:
        numbers.check_value(value)
    except numbers.ValueRefused as exc:
        raise ValidationError(exc.message, code=exc.code, params=exc.params) from None


def figure_field(verbose_name: str, *, help_text: str) -> models.DecimalField:
    """A figure of a claim or of its evidence: optional, and only what both databases store
    exactly (numeric(24, 6) on PostgreSQL, within the rule of claims.numbers)."""
    return models.DecimalField(
        verbose_name,
        max_digits=24,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[validate_storable_value],
        help_text=help_text,
    )


def validate_has_words(value: str) -> None:
    if not workflow.has_words(value):
        raise ValidationError(workflow.NOTE_WITHOUT_WORDS, code="note_without_words")


def validate_unit(value: str) -> None:
    if value and value not in units.CODES:
        raise ValidationError(units.refusal(value), code="unknown_unit", params={"unit": value})


class Source(models.Model):
    """An article, its text stored normalised (NFC, ``\\n``) and otherwise verbatim."""

    title = models.CharField("title", max_length=500, help_text='Headline, e.g. "Korea: The Staredown".')
    publisher = models.CharField("publisher", max_length=200, blank=True, help_text='e.g. "StrategyPage".')
    url = models.URLField(
        "URL",
        max_length=1000,
        blank=True,
        validators=[validators.source_url],  # http(s) only; the database refuses any other (source_url_is_http)
        help_text="Where the article was published, e.g. https://www.strategypage.com/qnd/korea/articles/20190912.aspx",
    )
    published_on = models.DateField("published on", null=True, blank=True)
    text = models.TextField(
        "text",
        help_text="The article's text, normalised to NFC with \\n line ends. Every claim offset counts into it.",
    )
    sha256 = models.CharField(
        "SHA-256",
        max_length=64,
        editable=False,
        help_text="Hex SHA-256 of the UTF-8 text, computed on save.",
    )
    created_at = models.DateTimeField("created at", auto_now_add=True)
    updated_at = models.DateTimeField("updated at", auto_now=True)

    _reanchoring: bool  # set by re-importing for the one save that may change the text under claims

    class Meta:
        ordering = ["-published_on", "title", "id"]
        verbose_name = "source"
        verbose_name_plural = "sources"
        indexes = [models.Index(fields=["url"], name="source_url_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="source_text_not_empty"),
            models.CheckConstraint(condition=Exact(Length("sha256"), 64), name="source_sha256_has_64_digits"),
            models.CheckConstraint(
                condition=models.Q(url="")
                | models.Q(url__istartswith="http://")
                | models.Q(url__istartswith="https://"),
                name="source_url_is_http",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if isinstance(self.text, str):
            self.text = spans.normalize_text(self.text)
        try:
            spans.check_text(self.text, max_chars=claimbook_settings.MAX_SOURCE_CHARS)
        except spans.SpanError as exc:
            raise ValidationError({"text": ValidationError(exc.message, code=exc.code, params=exc.params)}) from None
        refusal = refuse_text_change(self, digest=spans.sha256_of(self.text))
        if refusal is not None:
            raise ValidationError({"text": ValidationError(refusal.message, code=refusal.code, params=refusal.params)})


def refuse_text_change(source: "Source", *, digest: str, using: str = "default") -> spans.SpanError | None:
    """The error to raise when ``source``'s text would change under its claims, or None.

    A changed text must go through re-importing, which re-anchors every claim.
    """
    if source.pk is None or getattr(source, "_reanchoring", False):
        return None
    stored = Source.objects.using(using).filter(pk=source.pk).values_list("sha256", flat=True).first()
    if not stored or stored == digest:
        return None
    count = Claim.objects.using(using).filter(source_id=source.pk).count()
    if not count:
        return None
    return spans.SpanError(
        f"This source has {count} claims anchored to its text; a changed text must be re-imported so that "
        "every claim is re-anchored.",
        code="text_has_claims",
        field="text",
        params={"count": count},
    )


class Kind(models.TextChoices):
    QUANTITATIVE = "quantitative", "Quantitative"
    FACTUAL = "factual", "Factual"


# The one vocabulary (claims/units.py), as choices: Claim.Unit.USD, Claim.Unit.KM, ...
# The stubs know the functional API with names or (name, value) pairs, not (name, (value, label)).
Unit = models.TextChoices("Unit", [(code.upper(), (code, label)) for code, label in units.CHOICES])  # type: ignore[call-overload]


class Qualifier(models.TextChoices):
    EXACT = "exact", "exactly"
    ABOUT = "about", "about"
    AT_LEAST = "at_least", "at least"
    MORE_THAN = "more_than", "more than"
    AT_MOST = "at_most", "at most"
    LESS_THAN = "less_than", "less than"


class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"
    DECADE = "decade", "decade"


RATIONALE_MAX_CHARS = 5_000


def rationale_field() -> models.TextField:
    """The public reason for a verdict: what was checked and what was found (internal notes stay private)."""
    return models.TextField(
        "public rationale",
        blank=True,
        max_length=RATIONALE_MAX_CHARS,
        validators=[MaxLengthValidator(RATIONALE_MAX_CHARS)],
        help_text="Published with the verdict (ClaimReview reviewBody): what was checked and what was found, e.g. "
        '"The 2020 budget the Diet approved totals 5.31 trillion yen, about $49 billion: the figure holds."',
    )


def statement_field(help_text: str) -> models.TextField:
    """What a claim or a fact says, restated so it stands alone."""
    return models.TextField(
        "statement", max_length=STATEMENT_MAX_CHARS, validators=[MaxLengthValidator(STATEMENT_MAX_CHARS)],
        help_text=help_text,
    )  # fmt: skip


def kind_field() -> models.CharField:
    return models.CharField("kind", max_length=20, choices=Kind.choices, default=Kind.QUANTITATIVE)


def unit_field() -> models.CharField:
    return models.CharField("unit", max_length=20, choices=Unit.choices, blank=True, validators=[validate_unit])


def qualifier_field() -> models.CharField:
    return models.CharField("qualifier", max_length=20, choices=Qualifier.choices, blank=True)


def precision_field() -> models.CharField:
    return models.CharField("as-of precision", max_length=10, choices=Precision.choices, blank=True)


class Fact(models.Model):
    """The checkable statement itself, apart from where it appears (schema.org's ``Claim``).

    Every Claim is one appearance of a Fact; a claim with no confirmed match is its fact's only
    appearance. The verdict belongs to the fact: given on any appearance, it holds for all of them
    (``services``). Statement and quantity are those of the appearance the fact started from.
    """

    Kind = Kind
    Status = workflow.Status

    statement = statement_field(
        'The fact stated so it stands alone, e.g. "Japan approved a record defense budget of $50 billion for 2020."'
    )
    kind = kind_field()
    subject = models.CharField("subject", max_length=200, blank=True, help_text='What the fact is about, e.g. "Japan".')
    value = figure_field("value", help_text="The figure, in the unit below, e.g. 50000000000 for $50 billion.")
    unit = unit_field()
    qualifier = qualifier_field()
    as_of = models.DateField("as of", null=True, blank=True, help_text="The date the figure refers to.")
    as_of_precision = precision_field()
    status = models.CharField(
        "verdict",
        max_length=20,
        choices=workflow.FACT_STATUS_CHOICES,  # a fact is never dismissed
        default=Status.UNREVIEWED,
        db_index=True,
        help_text="The fact's verdict, which every confirmed appearance shows.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="reviewed by",
        related_name="reviewed_facts",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
    )
    reviewed_at = models.DateTimeField("reviewed at", null=True, blank=True, editable=False)
    rationale = rationale_field()
    created_at = models.DateTimeField("created at", auto_now_add=True)
    updated_at = models.DateTimeField("updated at", auto_now=True, db_index=True)

    history = HistoricalRecords()
    _history_user: Any

    class Meta:
        ordering = ["id"]
        verbose_name = "fact"
        verbose_name_plural = "facts"
        indexes = [
            # Matching finds the facts that measure the same thing near a value: by unit, then value.
            models.Index(fields=["unit", "value"], name="fact_unit_value_idx"),
            models.Index(Upper("subject"), name="fact_subject_upper_idx"),
            models.Index(fields=["status", "updated_at"], name="fact_status_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="factual") | models.Q(value__isnull=False, unit__gt=""),
                name="fact_quantitative_has_value_and_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(as_of__isnull=True, as_of_precision="")
                | models.Q(as_of__isnull=False, as_of_precision__gt=""),
                name="fact_as_of_has_precision",
            ),
            models.CheckConstraint(condition=~models.Q(status="dismissed"), name="fact_status_not_dismissed"),
        ]

    def __str__(self):
        return f"Fact {self.pk}: {self.statement[:80]}"


class Claim(models.Model):
    """One checkable statement of a Source, anchored to the exact span it comes from."""

    Kind = Kind
    Unit = Unit
    Qualifier = Qualifier
    Precision = Precision

    Status = workflow.Status

    class Origin(models.TextChoices):
        EDITOR = "editor", "Editor"
        EXTRACTOR = "extractor", "Extractor"

    class AnchorState(models.TextChoices):
        EXACT = spans.AnchorState.EXACT.value, "Exact"
        RELOCATED = spans.AnchorState.RELOCATED.value, "Relocated"
        ORPHANED = spans.AnchorState.ORPHANED.value, "Orphaned"

    source = models.ForeignKey(
        Source,
        verbose_name="source",
        related_name="claims",
        on_delete=models.PROTECT,  # a source with claims is never deleted by one click
    )
    fact = models.ForeignKey(
        Fact,
        verbose_name="fact",
        related_name="claims",
        on_delete=models.PROTECT,
        blank=True,  # a claim saved without one starts a fact of its own
        editable=False,  # an editor links a claim to a known fact by confirming a match
        help_text="The fact this claim is an appearance of.",
    )
    span_start = models.PositiveIntegerField(
        "span start", help_text="Start offset in Unicode code points into the source text, e.g. 1290."
    )
    span_end = models.PositiveIntegerField(
        "span end", help_text="Half-open end offset in Unicode code points, e.g. 1329."
    )
    quote = models.TextField(
        "quote",
        blank=True,
        help_text="Exactly source.text[span_start:span_end]; filled from the span when left empty.",
    )
    prefix = models.CharField(
        "prefix", max_length=spans.CONTEXT_LENGTH, blank=True, editable=False, help_text="Text just before the quote."
    )
    suffix = models.CharField(
        "suffix", max_length=spans.CONTEXT_LENGTH, blank=True, editable=False, help_text="Text just after the quote."
    )
    statement = statement_field(
        'The claim restated so it stands alone, e.g. "Japan approved a record defense budget of $50 billion for 2020."'
    )
    kind = kind_field()
    subject = models.CharField(
        "subject", max_length=200, blank=True, help_text='What the claim is about, e.g. "Japan" or "KN-25".'
    )
    value = figure_field(
        "value",
        help_text="The figure, in the unit below, e.g. 50000000000 for $50 billion. Below 10^18, at most 15 "
        "significant digits and 6 decimal places (what every supported database stores exactly).",
    )
    unit = unit_field()
    qualifier = qualifier_field()
    as_of = models.DateField(
        "as of",
        null=True,
        blank=True,
        help_text="The date the figure refers to; with precision 'year', 2020-01-01 means 2020.",
    )
    as_of_precision = precision_field()
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.UNREVIEWED, db_index=True)
    origin = models.CharField("origin", max_length=20, choices=Origin.choices, default=Origin.EDITOR)
    confidence = models.FloatField(
        "confidence", null=True, blank=True, help_text="The extractor's confidence, 0 to 1, e.g. 0.85."
    )
    extractor_version = models.CharField("extractor version", max_length=40, blank=True)
    anchor_state = models.CharField(
        "anchor state", max_length=20, choices=AnchorState.choices, default=AnchorState.EXACT
    )
    anchored_sha256 = models.CharField(
        "anchored to SHA-256",
        max_length=64,
        blank=True,
        editable=False,
        help_text="SHA-256 of the source text this claim's span was last anchored to.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="reviewed by",
        related_name="reviewed_claims",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
    )
    reviewed_at = models.DateTimeField("reviewed at", null=True, blank=True, editable=False)
    rationale = rationale_field()
    created_at = models.DateTimeField("created at", auto_now_add=True)
    updated_at = models.DateTimeField("updated at", auto_now=True, db_index=True)
    version = models.PositiveIntegerField(
        "version", default=1, editable=False, help_text="Raised by every write; a stale version is refused."
    )

    history = HistoricalRecords(excluded_fields=["prefix", "suffix"])
    _history_user: Any  # set before a save: who simple_history names in its history row

    class Meta:
        ordering = ["source_id", "span_start", "span_end", "id"]
        verbose_name = "claim"
        verbose_name_plural = "claims"
        permissions = [("review_claim", "Can move a claim through review and give it a verdict")]
        indexes = [
            models.Index(fields=["source", "span_start"], name="claim_source_span_idx"),
            models.Index(fields=["updated_at", "id"], name="claim_updated_id_idx"),
            models.Index(fields=["unit", "value"], name="claim_unit_value_idx"),
            # The public only ever sees verified claims: its unit and value filters.
            models.Index(fields=["status", "unit", "value"], name="claim_status_unit_value_idx"),
            # ?subject= is case-insensitive: UPPER(subject) = UPPER(%s).
            models.Index(Upper("subject"), name="claim_subject_upper_idx"),
            models.Index(fields=["as_of"], name="claim_as_of_idx"),
            models.Index(fields=["value"], name="claim_value_idx"),
            # ?ordering=created_at and ?ordering=span_start page through an index too.
            models.Index(fields=["created_at", "id"], name="claim_created_id_idx"),
            models.Index(fields=["span_start", "id"], name="claim_span_start_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(span_start__gte=0), name="claim_span_start_not_negative"),
            models.CheckConstraint(
                condition=models.Q(span_end__gt=models.F("span_start")), name="claim_span_not_empty"
            ),
            models.CheckConstraint(
                condition=Exact(Length("quote"), models.F("span_end") - models.F("span_start")),
                name="claim_quote_fills_span",
            ),
            models.UniqueConstraint(
                fields=["source", "span_start", "span_end", "kind"], name="claim_span_unique_per_source_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="factual") | models.Q(value__isnull=False, unit__gt=""),
                name="claim_quantitative_has_value_and_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__isnull=True) | models.Q(confidence__gte=0, confidence__lte=1),
                name="claim_confidence_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=models.Q(as_of__isnull=True, as_of_precision="")
                | models.Q(as_of__isnull=False, as_of_precision__gt=""),
                name="claim_as_of_has_precision",
            ),
        ]

    def __str__(self):
        return f"{self.statement[:80]} [{self.get_status_display()}]"

    def clean(self):
        super().clean()
        if self.source_id is None or self.span_start is None or self.span_end is None:
            return  # the field errors already say what is missing
        self.clean_content()
        twin = Claim.objects.filter(
            source_id=self.source_id, span_start=self.span_start, span_end=self.span_end, kind=self.kind
        ).exclude(pk=self.pk)
        twin = twin.values_list("pk", flat=True).first()
        if twin is not None:
            raise ValidationError(
                {
                    "span_start": ValidationError(
                        "Claim %(twin)s already holds this span (%(start)s-%(end)s) as a %(kind)s claim.",
                        code="duplicate_span",
                        params={"twin": twin, "start": self.span_start, "end": self.span_end, "kind": self.kind},
                    )
                }
            )

    def clean_content(self) -> None:
        """The rules on the claim itself, apart from other claims: its span holds its quote, a
        quantitative claim has a value and a unit, as_of comes with its precision."""
        try:
            self.quote = check_claim_span(self, self.source.text)
        except spans.SpanError as exc:
            raise ValidationError({exc.field: ValidationError(exc.message, code=exc.code, params=exc.params)}) from None
        if self.kind == self.Kind.QUANTITATIVE:
            missing = {
                name: ValidationError(
                    "A quantitative claim needs a %(field)s.", code="quantity_missing", params={"field": name}
                )
                for name in ("value", "unit")
                if getattr(self, name) in (None, "")
            }
            if missing:
                raise ValidationError(missing)
        if (self.as_of is None) != (not self.as_of_precision):
            raise ValidationError(
                {
                    "as_of_precision": ValidationError(
                        "Give as_of and as_of_precision together (or neither).", code="as_of_pair"
                    )
                }
            )


class FactMatch(models.Model):
    """A fact that a claim may repeat (``same``) or contradict (``conflicts``), as matching
    proposed it, and what an editor decided. Nothing is linked until an editor confirms; a
    rejected pair is never suggested again; an open ``conflicts`` match flags both sides."""

    class Relation(models.TextChoices):
        SAME = "same", "Same fact"
        CONFLICTS = "conflicts", "Conflicts"

    class State(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    claim = models.ForeignKey(Claim, verbose_name="claim", related_name="matches", on_delete=models.CASCADE)
    fact = models.ForeignKey(Fact, verbose_name="fact", related_name="matches", on_delete=models.CASCADE)
    relation = models.CharField("relation", max_length=20, choices=Relation.choices)
    score = models.FloatField("score", help_text="How likely the claim states this fact, 0 to 1.")
    reasons = models.CharField("why", max_length=500, blank=True, help_text="What matching saw, for the editor.")
    state = models.CharField("state", max_length=20, choices=State.choices, default=State.SUGGESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="decided by",
        related_name="fact_matches_decided",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    decided_at = models.DateTimeField("decided at", null=True, blank=True)
    created_at = models.DateTimeField("created at", auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "-score", "fact_id"]
        verbose_name = "fact match"
        verbose_name_plural = "fact matches"
        indexes = [
            models.Index(fields=["claim", "state", "relation"], name="match_claim_state_idx"),
            models.Index(fields=["fact", "state", "relation"], name="match_fact_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["claim", "fact"], name="match_one_per_claim_and_fact"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=1), name="match_score_between_0_and_1"),
        ]

    def __str__(self):
        return f"Claim {self.claim_id} {self.get_relation_display().lower()} fact {self.fact_id} ({self.state})"


class ReviewNote(models.Model):
    """An append-only note a reviewer left on a claim."""

    claim = models.ForeignKey(Claim, verbose_name="claim", related_name="notes", on_delete=models.CASCADE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="author",
        related_name="review_notes",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Empty for notes Claimbook writes itself, e.g. when re-anchoring sends a claim back to review.",
    )
    body = models.TextField(
        "note", max_length=NOTE_MAX_CHARS, validators=[MaxLengthValidator(NOTE_MAX_CHARS), validate_has_words]
    )
    created_at = models.DateTimeField("created at", auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        verbose_name = "review note"
        verbose_name_plural = "review notes"
        indexes = [models.Index(fields=["claim", "created_at"], name="note_claim_created_idx")]
        constraints = [models.CheckConstraint(condition=~models.Q(body=""), name="note_body_not_empty")]

    def __str__(self):
        return f"Note by {self.author or 'Claimbook'} on claim {self.claim_id}"


class Evidence(models.Model):
    """What a reviewer relied on for a verdict: a source outside the article."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        REFUTES = "refutes", "Refutes"
        CONTEXT = "context", "Context"

    claim = models.ForeignKey(Claim, verbose_name="claim", related_name="evidence", on_delete=models.CASCADE)
    url = models.URLField(
        "URL",
        max_length=1000,
        validators=[validators.evidence_url],  # http(s) only; the database checks it too
        help_text="e.g. https://undocs.org/S/2019/691",
    )
    title = models.CharField("title", max_length=500)
    publisher = models.CharField("publisher", max_length=200, blank=True)
    stance = models.CharField("stance", max_length=20, choices=Stance.choices)
    value_found = figure_field(
        "value found",
        help_text="The figure this source gives, in the claim's unit, e.g. 47000000000.",
    )
    retrieved_on = models.DateField("retrieved on", help_text="When the reviewer read the source.")
    note = models.TextField(
        "note", blank=True, max_length=NOTE_MAX_CHARS, validators=[MaxLengthValidator(NOTE_MAX_CHARS)]
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="added by",
        related_name="evidence_added",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField("created at", auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        verbose_name = "evidence"
        verbose_name_plural = "evidence"
        indexes = [models.Index(fields=["claim", "stance"], name="evidence_claim_stance_idx")]
        constraints = [
            models.CheckConstraint(
                # A scheme has no case ("HTTPS://" is https): the same rule as the validator, on both databases.
                condition=models.Q(url__istartswith="http://") | models.Q(url__istartswith="https://"),
                name="evidence_url_is_http",
            )
        ]

    def __str__(self):
        return f"{self.get_stance_display()}: {self.title}"


class ChangeEvent(models.Model):
    """One change to the public set, in the order consumers apply them (``claims.publishing``).

    ``published``: a claim entered the public set; ``updated``: its public JSON changed;
    ``withdrawn``: it left the public set, or its verdict changed (then a ``published`` with the
    new verdict follows). Written in the transaction of the change; ``seq`` orders them.
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Published"
        UPDATED = "updated", "Updated"
        WITHDRAWN = "withdrawn", "Withdrawn"

    seq = models.BigAutoField("sequence", primary_key=True, help_text="The event's place in the feed, e.g. 1042.")
    kind = models.CharField("kind", max_length=20, choices=Kind.choices)
    # Not a foreign key: a withdrawn claim may be deleted, and its events stay.
    claim_id = models.PositiveIntegerField("claim", help_text="ID of the claim, e.g. 12.")
    status = models.CharField(
        "status",
        max_length=20,
        choices=Claim.Status.choices,
        blank=True,
        help_text="The claim's status after the change; empty when the claim was deleted.",
    )
    at = models.DateTimeField("at", default=timezone.now)
    payload = models.JSONField(
        "public JSON", null=True, blank=True, help_text="The claim as the public sees it; none for a withdrawal."
    )
    digest = models.CharField(
        "digest", max_length=64, blank=True, help_text="SHA-256 of the public JSON: what a change is compared with."
    )

    class Meta:
        ordering = ["seq"]
        verbose_name = "change event"
        verbose_name_plural = "change events"
        indexes = [models.Index(fields=["claim_id", "seq"], name="change_claim_seq_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="withdrawn", payload__isnull=True)
                | (~models.Q(kind="withdrawn") & models.Q(payload__isnull=False)),
                name="change_payload_unless_withdrawn",
            )
        ]

    def __str__(self):
        return f"#{self.seq} {self.kind} claim {self.claim_id}"


class WebhookEndpoint(models.Model):
    """A consumer's URL that is sent every event of the kinds it subscribes to, signed with its
    secret as the Standard Webhooks specification says (``claims.webhooks``)."""

    url = models.URLField(
        "URL",
        max_length=2000,
        help_text="Where the events are POSTed, http or https, e.g. https://consumer.example/hooks/claimbook. "
        "Loopback, private and link-local addresses are refused.",
    )
    description = models.CharField(
        "description", max_length=200, blank=True, help_text='Whose endpoint this is, e.g. "Newsroom mirror".'
    )
    secret = models.CharField(
        "signing secret",
        max_length=100,
        editable=False,
        help_text="whsec_ and 24 random bytes in base64, made when the endpoint is registered; the consumer "
        "verifies each webhook-signature with it.",
    )
    event_types = models.JSONField(
        "event types",
        default=list,
        help_text='The kinds of change sent, a subset of ["published", "updated", "withdrawn"].',
    )
    active = models.BooleanField("active", default=True, help_text="Inactive endpoints are sent nothing new.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="registered by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The editor who registered the endpoint.",
    )
    created_at = models.DateTimeField("registered at", default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = "webhook endpoint"
        verbose_name_plural = "webhook endpoints"

    def __str__(self):
        return self.description or self.url


class WebhookDelivery(models.Model):
    """One event to send to one endpoint: the outbox row, written in the transaction of the change,
    and what became of it. Every attempt sends the same ``msg_id`` (``webhook-id``) and payload."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name="endpoint", on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        ChangeEvent, verbose_name="event", on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    msg_id = models.CharField(
        "message ID",
        max_length=64,
        unique=True,
        help_text="Sent as webhook-id with every attempt, so a consumer drops duplicates, "
        "e.g. msg_5f0c2a9e41b84d7c9a3e2f61d0b7c8a4.",
    )
    payload = models.JSONField("payload", help_text="The JSON body sent, written once with the row.")
    state = models.CharField("state", max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField("attempts", default=0, help_text="Attempts made so far, e.g. 2.")
    next_attempt_at = models.DateTimeField(
        "next attempt at", default=timezone.now, help_text="When the worker sends it next (pending only)."
    )
    locked_until = models.DateTimeField(
        "leased until",
        null=True,
        blank=True,
        help_text="A worker is sending it until then; after that another may take it over.",
    )
    last_status_code = models.PositiveIntegerField(
        "last status code", null=True, blank=True, help_text="The HTTP status of the last answer, e.g. 500."
    )
    last_error = models.TextField(
        "last error", blank=True, help_text='Why the last attempt failed, e.g. "timed out after 10 s".'
    )
    delivered_at = models.DateTimeField("delivered at", null=True, blank=True)
    created_at = models.DateTimeField("created at", default=timezone.now)

    class Meta:
        ordering = ["-pk"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once_per_event")]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due_idx")]

    def __str__(self):
        return f"{self.msg_id} to {self.endpoint}"


class DeliveryAttempt(models.Model):
    """One POST of a delivery and its answer: the delivery log."""

    delivery = models.ForeignKey(
        WebhookDelivery, verbose_name="delivery", on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField("at", default=timezone.now)
    status_code = models.PositiveIntegerField(
        "status code", null=True, blank=True, help_text="The HTTP status answered; empty when none came, e.g. 200."
    )
    error = models.TextField("error", blank=True, help_text='Why it failed, e.g. "HTTP 500"; empty on success.')
    duration_ms = models.PositiveIntegerField("duration (ms)", help_text="From sending to the answer, e.g. 84.")

    class Meta:
        ordering = ["pk"]
        verbose_name = "delivery attempt"
        verbose_name_plural = "delivery attempts"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"


# -- integrity on every save, fixtures (raw saves) included --------------------------------
# A SpanError is a ValueError, so ``loaddata`` reports it as
# "Could not load claims.Claim(pk=7): <reason>" and rolls the whole fixture back.


@receiver(pre_save, sender=Source, dispatch_uid="claims.source_integrity")
def check_source_integrity(sender, instance, raw, using, **kwargs):
    text = spans.check_text(instance.text, max_chars=claimbook_settings.MAX_SOURCE_CHARS)
    if spans.normalize_text(text) != text:
        raise spans.SpanError(
            "text is not normalised: store it as NFC with \\n line ends (import it, which normalises).",
            code="not_normalised",
            field="text",
        )
    digest = spans.sha256_of(text)
    if raw and instance.sha256 and instance.sha256 != digest:
        raise spans.SpanError(
            f"sha256 {instance.sha256} is not the SHA-256 of the text ({digest}).",
            code="sha256_mismatch",
            field="sha256",
            params={"given": instance.sha256, "computed": digest},
        )
    instance.sha256 = digest
    refusal = refuse_text_change(instance, digest=digest, using=using)
    if refusal is not None:
        raise refusal


def check_claim_span(claim: Claim, text: str, *, using: str | None = None) -> str:
    """Check ``claim``'s span against ``text`` and return its quote.

    Boundaries inside a grapheme cluster (an Indic conjunct, say) were once let through; a
    claim stored so keeps saving (a status change, a note, a re-import that leaves it
    exact) as long as its offsets and quote stay what is stored. A new or moved span must
    fall between user-perceived characters.
    """
    try:
        return spans.check_span(text, claim.span_start, claim.span_end, claim.quote or None)
    except spans.SpanError as exc:
        stored = (
            exc.code == "splits_character"
            and claim.pk is not None
            and Claim.objects.using(using or "default")
            .filter(pk=claim.pk, span_start=claim.span_start, span_end=claim.span_end)
            .filter(quote=claim.quote or text[claim.span_start : claim.span_end])
            .exists()
        )
        if not stored:
            raise
        return spans.check_span(text, claim.span_start, claim.span_end, claim.quote or None, boundaries=False)


@receiver(pre_save, sender=Claim, dispatch_uid="claims.claim_integrity")
def check_claim_integrity(sender, instance, raw, using, **kwargs):
    check_quantity(instance)
    if instance.anchor_state != Claim.AnchorState.ORPHANED:  # else kept with its last quote, which the text lost
        check_claim_anchor(instance, raw, using)
    if instance.fact_id is None:
        # A claim no one matched to a known fact starts its own (services do this themselves; this
        # holds for every other save, and for fixtures written before facts existed).
        facts_for([instance], using=using)


def check_claim_anchor(instance: Claim, raw: bool, using: str) -> None:
    """The claim's span holds its quote in its source's current text (before every save)."""
    if not raw and Claim.source.is_cached(instance):
        text, digest = instance.source.text, instance.source.sha256
    else:
        row = Source.objects.using(using).filter(pk=instance.source_id).values_list("text", "sha256").first()
        if row is None:
            raise spans.SpanError(
                f"source {instance.source_id} does not exist; load sources before their claims.",
                code="unknown_source",
                field="source",
                params={"source": instance.source_id},
            )
        text, digest = row
    anchor_claim(instance, text, digest, using=using)


def anchor_claim(claim: Claim, text: str, digest: str, *, using: str | None = None) -> None:
    """Check a claim's span and quote against the text and give it its context and the text's
    digest: before every write (the integrity signal above, and bulk writes, which send none)."""
    claim.quote = check_claim_span(claim, text, using=using)
    claim.prefix, claim.suffix = spans.context(text, claim.span_start, claim.span_end)
    claim.anchored_sha256 = digest


def own_fact(claim: Claim) -> Fact:
    """The fact a claim starts (unsaved): its statement and quantity, and its verdict (a
    dismissed candidate gives none)."""
    reviewed = claim.status in workflow.REVIEWED
    return Fact(
        **{name: getattr(claim, name) for name in FACT_FIELDS},
        status=workflow.fact_status(claim.status),
        reviewed_by_id=claim.reviewed_by_id if reviewed else None,
        reviewed_at=claim.reviewed_at if reviewed else None,
    )


def facts_for(claims: list[Claim], *, using: str = "default") -> list[Claim]:
    """Give each claim that has none a fact of its own, in one insert: for bulk writes, which send
    no signals."""
    orphans = [claim for claim in claims if claim.fact_id is None]
    facts = Fact.objects.using(using).bulk_create([own_fact(claim) for claim in orphans])
    for claim, fact in zip(orphans, facts, strict=True):
        claim.fact = fact
    return claims


def check_quantity(claim: Claim) -> None:
    """A unit of the vocabulary and a value both databases hold exactly, on every write,
    fixtures included: a row that broke either would make every list and backup reading it fail."""
    if claim.unit and claim.unit not in units.CODES:
        raise spans.SpanError(units.refusal(claim.unit), code="unknown_unit", field="unit")
    numbers.check_value(claim.value, field="value")
