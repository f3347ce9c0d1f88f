"""The admin's claim list: the filters that are more than a field name, and the guards on
what a list URL may ask (no NUL, bounded searches), so no link answers with a 500."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from . import selectors
from .models import Claim
from .params import check_search, column_value


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


class GuardedChangeListMixin:
    """A change list that answers any query string: a NUL (which PostgreSQL text cannot hold,
    and which the admin would hand to the database as it came) gets the plain list and a
    message; a search past the bounds of ``params.check_search`` searches nothing and says why."""

    def changelist_view(self, request, extra_context=None):
        if any("\x00" in part for key, values in request.GET.lists() for part in (key, *values)):
            self.message_user(request, "Filters and searches cannot contain NUL characters; showing all claims.",
                              messages.ERROR)  # fmt: skip
            return HttpResponseRedirect(request.path)
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        try:
            check_search(search_term)
        except ValidationError as exc:
            self.message_user(request, f"{exc.messages[0]} Nothing was searched.", messages.ERROR)
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


class InConflictFilter(admin.SimpleListFilter):
    """Claims flagged by an open conflict with a known fact, as the conflict's claim or as an
    appearance of the fact it contradicts (one subquery, whatever the page's size)."""

    title = "in conflict with a fact"
    parameter_name = "fact_conflict"

    def lookups(self, request, model_admin):
        return [("yes", "In conflict with a fact"), ("no", "No open conflict")]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return selectors.claims_in_conflict(queryset, flagged=self.value() == "yes")
        return queryset


class FactConflictFilter(admin.SimpleListFilter):
    title = "open conflict"
    parameter_name = "open_conflict"

    def lookups(self, request, model_admin):
        return [("yes", "Has an open conflict"), ("no", "No open conflict")]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return selectors.facts_in_conflict(queryset, flagged=self.value() == "yes")
        return queryset
