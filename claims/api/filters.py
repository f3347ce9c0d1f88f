"""Query filters for the claim list; a bad value is a 400 naming the parameter."""

from datetime import UTC, timedelta

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters
from rest_framework.exceptions import ValidationError

from claims import workflow
from claims.models import Claim, Fact, Source
from claims.params import MAX_ID, SEARCH_MAX_CHARS, SEARCH_MAX_WORDS, at_most_search_words, check_time

from .permissions import PUBLIC_STATUSES, can_see_everything, visible
from .serializers import FACT_STATUSES

# The longest max_age_days accepted: a century (a longer one reaches before any review).
MAX_AGE_DAYS = 36_500

# The expression the PostgreSQL GIN index is built on (migration 0003); keep them equal.
SEARCH_VECTOR = SearchVector("statement", "quote", "subject", config="english")


class UTCDateTimeField(django_filters.fields.IsoDateTimeField):
    """ISO 8601, and only a time that UTC (the stored form) can hold; sent to the database in UTC,
    as PostgreSQL refuses offsets past 15:59 that ISO 8601 allows ("-19:14")."""

    def to_python(self, value):
        parsed = super().to_python(value)
        return check_time(parsed).astimezone(UTC) if parsed is not None else None


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class FilterSet(django_filters.FilterSet):
    def get_form_class(self):
        # django-filter builds a new form class on every request; its fields are the same
        # every time, so build it once per filter set.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class


class StatementFilter(FilterSet):
    """What claims and facts are both filtered by: what they say and their quantity."""

    kind = django_filters.ChoiceFilter(choices=Claim.Kind.choices)
    unit = django_filters.ChoiceFilter(choices=Claim.Unit.choices)
    subject = django_filters.CharFilter(
        lookup_expr="iexact",
        max_length=Claim._meta.get_field("subject").max_length,
        help_text='Exact subject, any case, e.g. "Japan".',
    )
    value_min = django_filters.NumberFilter(field_name="value", lookup_expr="gte")
    value_max = django_filters.NumberFilter(field_name="value", lookup_expr="lte")


PUBLIC_STATUS_NAMES = ", ".join(status for status in PUBLIC_STATUSES)


class ClaimFilter(StatementFilter):
    status = django_filters.ChoiceFilter(
        choices=workflow.Status.choices,
        method="by_status",
        help_text=f"Claims with this status. Anonymous callers get verified claims unless they ask for another "
        f"public verdict ({PUBLIC_STATUS_NAMES}).",
    )
    source = django_filters.NumberFilter(
        field_name="source_id", min_value=1, max_value=MAX_ID, decimal_places=0, help_text="ID of the source, e.g. 1."
    )
    as_of_after = django_filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = django_filters.DateFilter(field_name="as_of", lookup_expr="lte")
    updated_after = UTCDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gt",
        help_text="Only claims changed strictly after this time (ISO 8601), for incremental sync.",
    )
    q = django_filters.CharFilter(
        method="search",
        max_length=SEARCH_MAX_CHARS,
        validators=[at_most_search_words],
        help_text=f"Full-text search over statement, quote and subject, e.g. defense budget; at most "
        f"{SEARCH_MAX_WORDS} words and {SEARCH_MAX_CHARS} characters.",
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def by_status(self, queryset, name, value):
        if value not in PUBLIC_STATUSES and not can_see_everything(getattr(self.request, "user", None)):
            raise ValidationError(
                {"status": [f"Claims that are {value} are not public; ask for one of {PUBLIC_STATUS_NAMES}."]},
                code="not_public",
            )
        return queryset.filter(status=value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            query = SearchQuery(value, search_type="websearch", config="english")
            return queryset.annotate(search=SEARCH_VECTOR).filter(search=query)
        condition = Q()
        for word in value.split():
            condition &= Q(statement__icontains=word) | Q(quote__icontains=word) | Q(subject__icontains=word)
        return queryset.filter(condition)


class StrictOrderingFilter(filters.OrderingFilter):
    """DRF's ordering, but an unknown field is a 400 instead of being ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",")]
            valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
            bad = [field for field in fields if field.removeprefix("-") not in valid]
            if bad:
                raise ValidationError(
                    {self.ordering_param: [f"Cannot order by {', '.join(bad)}; use one of {', '.join(sorted(valid))}."]}
                )
        return super().get_ordering(request, queryset, view)


class ClaimFilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names none of the filters.

    Binding and validating a filter set whose every field is empty filters nothing but cost a
    fifth of an unfiltered list request; with no filter parameter the queryset is returned as is.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and request.query_params.keys().isdisjoint(filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)


DAYS_EXPECTED = f"Expected a whole number of days from 1 to {MAX_AGE_DAYS}, e.g. 30."


class DaysField(forms.IntegerField):
    default_error_messages = {
        "invalid": DAYS_EXPECTED,
        "min_value": DAYS_EXPECTED,
        "max_value": DAYS_EXPECTED,
    }


class DaysFilter(django_filters.NumberFilter):
    field_class = DaysField


class FactFilter(StatementFilter):
    """The claim list's filters, on facts (``status`` is the fact's verdict), and those of the
    "has this been checked?" search. ``q`` itself is not a filter: the view ranks by it."""

    status = django_filters.ChoiceFilter(choices=FACT_STATUSES, help_text="The fact's verdict.")
    updated_after = UTCDateTimeFilter(
        field_name="updated_at", lookup_expr="gt", help_text="Only facts changed strictly after this time (ISO 8601)."
    )
    max_age_days = DaysFilter(
        method="reviewed_within",
        min_value=1,
        max_value=MAX_AGE_DAYS,
        help_text="Only facts reviewed within this many days, e.g. 30.",
    )
    publisher = django_filters.CharFilter(
        method="published_by",
        max_length=Source._meta.get_field("publisher").max_length,
        help_text='Only facts that appear in an article of this publisher, any case, e.g. "StrategyPage".',
    )
    q = django_filters.CharFilter(
        method="ranked_elsewhere",
        max_length=SEARCH_MAX_CHARS,
        validators=[at_most_search_words],
        help_text='Has this been checked? Facts ranked by how well they answer the search, best first, e.g. "Japan '
        f'defense budget $50 billion 2020"; at most {SEARCH_MAX_WORDS} words and {SEARCH_MAX_CHARS} characters, '
        "one page of results.",
    )

    class Meta:
        model = Fact
        fields: list[str] = []

    def reviewed_within(self, queryset, name, value):
        return queryset.filter(reviewed_at__gte=timezone.now() - timedelta(days=int(value)))

    def published_by(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        claims = visible(Claim.objects.all(), getattr(self.request, "user", None))
        return queryset.filter(Exists(claims.filter(fact_id=OuterRef("pk"), source__publisher__iexact=value)))

    def ranked_elsewhere(self, queryset, name, value):
        return queryset
