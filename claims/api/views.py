"""Thin API views: validate, call a service or a selector, serialize."""

import hashlib
import json
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import APIView

from claims import claimreview, publishing, selectors, services, workflow
from claims.conf import claimbook_settings
from claims.models import Claim, Fact, FactMatch, Source
from claims.params import MAX_ID
from claims.views import write_transaction

from . import claim_json, serializers
from .bulk import CSVListMixin
from .caching import HttpCachingMixin
from .exceptions import error_response
from .filters import ClaimFilter, ClaimFilterBackend, FactFilter, StrictOrderingFilter
from .pagination import ClaimCursorPagination
from .permissions import DEFAULT_PUBLIC_STATUS, PUBLIC_STATUSES, can_see_everything, can_see_matches, public, visible

ERRORS = {
    400: OpenApiResponse(serializers.ErrorSerializer, description="Invalid input; errors name each field."),
    401: OpenApiResponse(serializers.ErrorSerializer, description="Not logged in (writes)."),
    403: OpenApiResponse(serializers.ErrorSerializer, description="No permission for this write."),
    404: OpenApiResponse(serializers.ErrorSerializer, description="No such claim, or not visible to you."),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The strong ETag from GET, e.g. "12-3". Without it (or with *) the write is a 428; a stale or '
    "weak one is a 412. Nothing is written either way.",
)
STALE = OpenApiResponse(
    serializers.ErrorSerializer, description="The claim changed since your ETag, or the ETag is weak or not its own."
)
NO_PRECONDITION = OpenApiResponse(
    serializers.ErrorSerializer, description="No If-Match (or If-Match: *): send the ETag from GET."
)
HAS_RECORD = OpenApiResponse(
    serializers.ErrorSerializer,
    description="The claim has a verdict, notes or evidence: it is kept; dismiss it instead.",
)
CONFLICT = OpenApiResponse(
    serializers.ErrorSerializer, description="The workflow forbids this status change, or the span was just taken."
)


DECIDED = OpenApiResponse(
    serializers.ErrorSerializer, description="The match was confirmed or rejected already; nothing was changed."
)
FACT_IN_PATH = OpenApiParameter(
    "fact_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="ID of the suggested fact, e.g. 7."
)
MATCHES_EXAMPLE = OpenApiExample(
    "A restatement of a verified fact",
    value=[
        {
            "fact": 7, "relation": "same", "score": 0.91,
            "statement": "Japan approved a record defense budget of $50 billion for 2020.", "status": "verified",
            "value": "50000000000", "unit": "USD", "claims": [12, 40],
            "why": "50000000000 USD agrees with 50000000000 USD; same subject; same time; words 83% alike",
        }
    ],
    response_only=True,
)  # fmt: skip


# ASCII digits only (\d takes any script's), and no more than a 64-bit id has: a longer one is a 404.
ID_IN_URL = r"[0-9]{1,19}"


def etag(pk: int, version: int) -> str:
    return f'"{pk}-{version}"'


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def if_match(request, claim: Claim) -> str:
    """The write's If-Match header; a 428 when there is none, or only ``*`` (which any current
    version matches, so it guards nothing)."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired(
            "This change needs an If-Match header with the claim's current ETag: "
            f"GET /api/claims/{claim.pk}/ and send its ETag back as If-Match. Nothing was changed."
        )
    return header


def expected_version(request, claim: Claim) -> int:
    """The claim version a write's If-Match names, compared strongly (RFC 9110).

    No header is a 428 (``if_match``); a weak tag never matches a write; a tag naming another
    claim, or a version that is not plain ASCII digits, matches nothing and is a 412.
    """
    header = if_match(request, claim)
    url = f"/api/claims/{claim.pk}/"
    tags = [tag.strip() for tag in header.split(",")]
    versions = []
    for tag in tags:
        pk, _, version = tag.strip('"').partition("-")
        if not tag.startswith("W/") and pk == str(claim.pk) and version.isascii() and version.isdigit():
            versions.append(int(version))
    if versions:
        # Any listed tag may match (RFC 9110); the service checks the chosen one under the row lock.
        return claim.version if claim.version in versions else versions[0]
    if any(tag.startswith("W/") for tag in tags):
        raise PreconditionFailed(
            "If-Match holds a weak ETag (W/...), and a weak ETag cannot guard a write: send the strong ETag "
            f"of GET {url} back, without W/. Nothing was changed.",
            code="weak_etag",
        )
    raise PreconditionFailed(
        f'If-Match names no version of claim {claim.pk} (its ETags look like "{claim.pk}-3"): '
        f"GET {url} and send its ETag back as If-Match. Nothing was changed."
    )


@extend_schema_view(
    list=extend_schema(summary="List claims", responses={200: serializers.ClaimSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="One claim", responses={200: serializers.EditorClaimSerializer, **ERRORS}),
)
class ClaimViewSet(
    HttpCachingMixin,
    CSVListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Claims with their spans. Anonymous callers see public claims (those with a verdict); their list
    is of verified claims unless ``status`` asks for another verdict."""

    queryset = Claim.objects.all()
    conditional_actions = frozenset({"list", "retrieve", "claimreview"})
    lookup_value_regex = ID_IN_URL
    filterset_class = ClaimFilter
    pagination_class = ClaimCursorPagination
    ordering_fields = ["id", "updated_at", "created_at", "span_start"]
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    filter_backends = [ClaimFilterBackend, StrictOrderingFilter]

    def visible_claims(self):
        """Every claim for editors and readers; the public ones (with a verdict) for anyone else, and
        in the anonymous list one verdict: verified unless ``status`` asks for another."""
        if getattr(self, "action", None) == "list" and not self.editor:
            # One equality, not the public set narrowed again: the planner then uses the partial
            # indexes of verified claims (a non-public status is refused by the filter).
            wanted = self.request.query_params.get("status") or DEFAULT_PUBLIC_STATUS
            return Claim.objects.filter(status=wanted) if wanted in PUBLIC_STATUSES else Claim.objects.none()
        return visible(Claim.objects.all(), self.request.user)

    def list(self, request, *args, **kwargs):
        serializer_class = self.get_serializer_class()
        queryset = self.filter_queryset(self.visible_claims())
        page = self.paginate_queryset(claim_json.readable(queryset, serializer_class=serializer_class))
        return self.get_paginated_response(claim_json.as_json(page, serializer_class=serializer_class))

    def get_queryset(self):
        return self.visible_claims()

    def dispatch(self, request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        # A write and the fresh read of its answer in one transaction (see write_transaction).
        with write_transaction(request):
            return super().dispatch(request, *args, **kwargs)

    @property
    def editor(self) -> bool:
        return can_see_everything(self.request.user)

    def get_serializer_class(self):
        if self.action in {"create", "update", "partial_update"}:
            return serializers.ClaimWriteSerializer
        if self.action == "add_note":
            return serializers.NoteSerializer
        if self.action == "add_evidence":
            return serializers.EvidenceSerializer
        return serializers.EditorClaimSerializer if self.editor else serializers.ClaimSerializer

    def retrieve(self, request, *args, **kwargs):
        pk = int(kwargs["pk"])
        found = claim_json.one(self.visible_claims(), pk, serializer_class=self.get_serializer_class())
        if found is None:
            raise Http404
        data, version = found
        response = Response(data)
        response["ETag"] = etag(pk, version)
        return response

    @extend_schema(
        summary="Create a claim (editors)",
        responses={201: serializers.EditorClaimSerializer, 409: CONFLICT, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            claim = serializer.save()
        except IntegrityError:
            return error_response(
                status.HTTP_409_CONFLICT,
                "Another claim took this span at the same moment; reload and retry.",
                "conflict",
            )
        return self._claim_response(claim, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a claim (editors)",
        parameters=[IF_MATCH],
        responses={200: serializers.EditorClaimSerializer, 409: CONFLICT, 412: STALE, 428: NO_PRECONDITION, **ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        return self._update(request, partial=True)

    @extend_schema(
        summary="Replace a claim's editable fields (editors)",
        parameters=[IF_MATCH],
        responses={200: serializers.EditorClaimSerializer, 409: CONFLICT, 412: STALE, 428: NO_PRECONDITION, **ERRORS},
    )
    def update(self, request, *args, **kwargs):
        return self._update(request, partial=False)

    def _update(self, request, *, partial: bool):
        claim = self.get_object()
        if_match(request, claim)  # no If-Match: a 428, whatever the body
        # A body that could never be written is a 400 whatever version it names; a valid one is
        # then written only over the version its If-Match names (412 otherwise).
        serializer = self.get_serializer(claim, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, claim)
        data = dict(serializer.validated_data)
        new_status, note = data.pop("status", None), data.pop("note", None)
        if new_status is not None and new_status != claim.status and not workflow.can_review(request.user):
            raise PermissionDenied("Changing a claim's status needs the permission to review claims.")
        try:
            claim = services.claim_update(
                claim=claim,
                by=request.user,
                data=data,
                status=new_status,
                note=note,
                expected_version=version,
            )
        except services.StaleVersion as exc:
            return error_response(status.HTTP_412_PRECONDITION_FAILED, exc.message, exc.code)
        except workflow.TransitionError as exc:
            return error_response(status.HTTP_409_CONFLICT, exc.message, exc.code)
        except DjangoValidationError as exc:
            raise ValidationError(as_serializer_error(exc)) from None
        except IntegrityError:
            return error_response(
                status.HTTP_409_CONFLICT,
                "Another claim took this span at the same moment; reload and retry.",
                "conflict",
            )
        return self._claim_response(claim, status.HTTP_200_OK)

    @extend_schema(
        summary="Delete a claim (editors)",
        description="Only a claim without a verdict, notes or evidence (a mistaken selection); dismiss any other.",
        parameters=[IF_MATCH],
        responses={204: None, 409: HAS_RECORD, 412: STALE, 428: NO_PRECONDITION, **ERRORS},
    )
    def destroy(self, request, *args, **kwargs):
        claim = self.get_object()
        version = expected_version(request, claim)
        try:
            services.claim_delete(claim=claim, by=request.user, expected_version=version)
        except services.StaleVersion as exc:
            return error_response(status.HTTP_412_PRECONDITION_FAILED, exc.message, exc.code)
        except services.ClaimHasRecord as exc:
            return error_response(status.HTTP_409_CONFLICT, exc.message, exc.code)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Append a note (editors)",
        request=serializers.NoteSerializer,
        responses={201: serializers.NoteSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="notes")
    def add_note(self, request, pk=None):
        return self._append(
            request, serializers.NoteSerializer, services.note_add,
            "claims.add_reviewnote", "Adding notes needs the permission to add review notes.",
        )  # fmt: skip

    @extend_schema(
        summary="Add evidence (editors)",
        request=serializers.EvidenceSerializer,
        responses={201: serializers.EvidenceSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="evidence")
    def add_evidence(self, request, pk=None):
        return self._append(
            request, serializers.EvidenceSerializer, services.evidence_add,
            "claims.add_evidence", "Adding evidence needs the permission to add evidence.",
        )  # fmt: skip

    @extend_schema(
        summary="schema.org ClaimReview JSON-LD",
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], url_path="claimreview")
    def claimreview(self, request, pk=None):
        claim = self.get_object()
        if claim.status not in claimreview.RATINGS or claim.reviewed_at is None:
            return error_response(
                status.HTTP_404_NOT_FOUND,
                f"Claim {claim.pk} has no review yet (it is {claim.get_status_display().lower()}).",
                "not_reviewed",
            )
        appearances = selectors.public_appearances([claim.fact_id]).get(claim.fact_id, [claim])
        # No version ETag: the body also holds the fact's other appearances and the organisation's
        # settings; anonymous callers get the public ETag (caching.HttpCachingMixin).
        return Response(claimreview.claim_review(request, claim, appearances), content_type="application/ld+json")

    @extend_schema(
        summary="Facts suggested for a claim (editors)",
        description="The known facts matching suggests the claim repeats (same) or contradicts (conflicts), best "
        "first; the claim's own fact and the matches an editor confirmed or rejected are left out.",
        responses={200: serializers.MatchSerializer(many=True), **ERRORS},
        examples=[MATCHES_EXAMPLE],
    )
    @action(detail=True, methods=["get"], url_path="matches", pagination_class=None, filter_backends=[])
    def matches(self, request, pk=None):
        self._may_decide_matches(request, "Suggested matches are shown to editors only.")
        claim = self.get_object()
        return Response(serializers.MatchSerializer(selectors.claim_matches(claim), many=True).data)

    @extend_schema(
        summary="Confirm a suggested match (editors)",
        description="A same match: the claim becomes an appearance of the fact and, with adopt_verdict, takes its "
        "verdict (a note says so). A conflicts match: the conflict is acknowledged and its flag lifted. Answers "
        "with the claim and its new ETag.",
        request=serializers.ConfirmMatchSerializer,
        parameters=[FACT_IN_PATH, IF_MATCH],
        responses={200: serializers.EditorClaimSerializer, 409: DECIDED, 412: STALE, 428: NO_PRECONDITION, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=rf"matches/(?P<fact_id>{ID_IN_URL})/confirm")
    def confirm_match(self, request, pk=None, fact_id=None):
        self._may_decide_matches(request, "Confirming a match needs the permission to change claims.")
        claim, match = self._suggested(fact_id)
        if_match(request, claim)
        body = serializers.ConfirmMatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        may_review = workflow.can_review(request.user)
        adopt = body.validated_data.get("adopt_verdict", may_review)
        if adopt and not may_review:
            raise PermissionDenied(
                "Adopting the fact's verdict needs the permission to review claims; send "
                '{"adopt_verdict": false} to confirm the match without it. Nothing was changed.'
            )
        version = expected_version(request, claim)
        return self._decide(
            lambda: services.match_confirm(match=match, by=request.user, adopt_verdict=adopt, expected_version=version)
        )

    @extend_schema(
        summary="Reject a suggested match (editors)",
        description="The claim is not that fact (or does not contradict it); the pair is never suggested again. "
        "Answers with the claim and its new ETag.",
        request=None,
        parameters=[FACT_IN_PATH, IF_MATCH],
        responses={200: serializers.EditorClaimSerializer, 409: DECIDED, 412: STALE, 428: NO_PRECONDITION, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=rf"matches/(?P<fact_id>{ID_IN_URL})/reject")
    def reject_match(self, request, pk=None, fact_id=None):
        self._may_decide_matches(request, "Rejecting a match needs the permission to change claims.")
        claim, match = self._suggested(fact_id)
        version = expected_version(request, claim)
        return self._decide(lambda: services.match_reject(match=match, by=request.user, expected_version=version))

    def _may_decide_matches(self, request, refusal: str) -> None:
        if not can_see_matches(request.user):
            self.permission_denied(request, message=refusal, code="permission_denied")

    def _suggested(self, fact_id: str) -> tuple[Claim, FactMatch]:
        """The claim of the URL and its match with the fact ``fact_id`` (any state); 404s otherwise."""
        claim = self.get_object()
        match = None
        if int(fact_id) <= MAX_ID:
            match = FactMatch.objects.filter(claim=claim, fact_id=int(fact_id)).select_related("claim").first()
        if match is None:
            raise NotFound(f"Claim {claim.pk} has no match with fact {fact_id}.")
        return claim, match

    def _decide(self, write) -> Response:
        try:
            claim = write()
        except services.StaleVersion as exc:
            return error_response(status.HTTP_412_PRECONDITION_FAILED, exc.message, exc.code)
        except services.MatchDecided as exc:
            return error_response(status.HTTP_409_CONFLICT, exc.message, exc.code)
        return self._claim_response(claim, status.HTTP_200_OK)

    def _append(self, request, serializer_class, service, permission: str, refusal: str) -> Response:
        """Add a note or an evidence item to the claim: checked by ``serializer_class``, written
        by ``service``, answered with the stored item."""
        claim = self.get_object()
        if not request.user.has_perm(permission):
            raise PermissionDenied(refusal)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = service(claim=claim, by=request.user, **serializer.validated_data)
        return Response(serializer_class(item).data, status=status.HTTP_201_CREATED)

    def _claim_response(self, claim: Claim, code: int) -> Response:
        found = claim_json.one(Claim.objects.all(), claim.pk, serializer_class=serializers.EditorClaimSerializer)
        if found is None:  # deleted since this write, in another transaction
            raise Http404
        data, version = found
        response = Response(data, status=code)
        response["ETag"] = etag(claim.pk, version)
        return response


@extend_schema_view(
    list=extend_schema(
        summary="List sources",
        responses={200: serializers.SourceListSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    ),
    retrieve=extend_schema(
        summary="One source, with its text", responses={200: serializers.SourceSerializer, **ERRORS}
    ),
)
class SourceViewSet(HttpCachingMixin, viewsets.ReadOnlyModelViewSet):
    """Articles, with the text every claim offset counts into."""

    queryset = Source.objects.all()
    conditional_actions = frozenset({"list", "retrieve"})
    lookup_value_regex = ID_IN_URL
    pagination_class = ClaimCursorPagination
    filter_backends = []

    def get_queryset(self):
        sources = Source.objects.all()
        if not can_see_everything(self.request.user):
            sources = selectors.with_a_public_claim(sources)
        if self.action == "list":
            return sources.defer("text").order_by("id")
        return sources

    def get_serializer_class(self):
        return serializers.SourceListSerializer if self.action == "list" else serializers.SourceSerializer


FACT_EXAMPLE = {
    "id": 7, "statement": "Japan approved a record defense budget of $50 billion for 2020.", "kind": "quantitative",
    "subject": "Japan", "value": "50000000000", "unit": "USD", "qualifier": "exact", "as_of": "2020-01-01",
    "as_of_precision": "year", "status": "verified", "reviewed_at": "2019-09-02T10:00:00Z",
    "updated_at": "2019-09-02T10:00:00Z", "claim_count": 1,
    "first_appearance": {
        "claim": 12, "source": 1, "source_url": "https://www.strategypage.com/qnd/korea/articles/20190911.aspx",
        "source_title": "Korea: The Staredown", "source_published_on": "2019-09-11",
        "quote": "$50 billion", "span_start": 1290, "span_end": 1301, "status": "verified",
    },
    "appearances": ["...the first appearance and every other one..."], "score": 0.97,
}  # fmt: skip


# Results a search (?q=) gives when page_size does not ask for more.
SEARCH_PAGE_SIZE = 10


@extend_schema_view(
    list=extend_schema(
        summary="List or search facts",
        description="Facts (the checkable statements apart from where they appear), with their verdicts and "
        "appearances. Anonymous callers see verified facts and their public appearances only. With q, the "
        'facts that answer the search ("has this been checked?"), best first, each with its score: one page, '
        "no cursor, the best 10 unless page_size asks for more.",
        responses={200: serializers.FactSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
        examples=[OpenApiExample("A search result", value=FACT_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One fact, with its appearances", responses={200: serializers.FactSerializer, **ERRORS}
    ),
)
class FactViewSet(HttpCachingMixin, viewsets.ReadOnlyModelViewSet):
    """Facts and where they appear. Anonymous callers see verified facts only."""

    queryset = Fact.objects.all()
    conditional_actions = frozenset({"list", "retrieve", "claimreview"})
    serializer_class = serializers.FactSerializer
    lookup_value_regex = ID_IN_URL
    filterset_class = FactFilter
    pagination_class = ClaimCursorPagination
    ordering_fields = ["id", "updated_at", "created_at"]
    filter_backends = [ClaimFilterBackend, StrictOrderingFilter]

    def get_queryset(self):
        facts = visible(Fact.objects.all(), self.request.user)
        if self.action == "list":
            return facts
        # ClaimReview JSON-LD is published: it lists the public appearances whoever asks.
        claims = public(Claim.objects.all()) if self.action == "claimreview" else self.visible_claims()
        return selectors.with_appearances(facts, claims)

    def visible_claims(self):
        return visible(Claim.objects.all(), self.request.user)

    def list(self, request, *args, **kwargs):
        facts = self.filter_queryset(self.get_queryset())
        q = request.query_params.get("q", "").strip()
        if not q:
            page = self.paginate_queryset(selectors.with_appearances(facts, self.visible_claims()))
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        if request.query_params.get("ordering", "").strip():
            raise ValidationError({"ordering": ["Search results come best first; leave out ordering, or q."]})
        # Public searches repeat: an anonymous one is answered from the cache for a few seconds.
        seconds = claimbook_settings.SEARCH_CACHE_SECONDS if not request.user.is_authenticated else 0
        # Keyed by the public ETag too: a cached answer is never sent for a newer state (caching.py).
        asked_for = f"{request.get_full_path()}\n{getattr(request, 'public_etag', None)}"
        key = "claimbook:fact-search:" + hashlib.sha256(asked_for.encode()).hexdigest()
        if seconds and (cached := cache.get(key)) is not None:
            return Response(cached)
        # A search answers with its best few (page_size asks for more): what "has this been checked?" reads.
        asked = request.query_params.get(self.paginator.page_size_query_param, "").strip()
        limit = self.paginator.get_page_size(request) if asked else SEARCH_PAGE_SIZE
        ranked = selectors.fact_search(q, facts=facts, limit=limit)
        scores = dict(ranked)
        found = {
            fact.pk: fact
            for fact in selectors.with_appearances(Fact.objects.filter(pk__in=scores), self.visible_claims())
        }
        results = [found[pk] for pk, _ in ranked if pk in found]
        data = serializers.FactSerializer(
            results, many=True, context={**self.get_serializer_context(), "scores": scores}
        ).data
        payload = {"next": None, "previous": None, "results": data}
        if seconds:
            cache.set(key, json.loads(JSONRenderer().render(payload)), seconds)
        return Response(payload)

    @extend_schema(
        summary="schema.org ClaimReview JSON-LD of a fact",
        description="The fact's review; itemReviewed is a Claim listing every public appearance, the first one as "
        "firstAppearance.",
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], url_path="claimreview")
    def claimreview(self, request, pk=None):
        fact = self.get_object()
        if fact.status not in claimreview.RATINGS or fact.reviewed_at is None:
            return error_response(
                status.HTTP_404_NOT_FOUND,
                f"Fact {fact.pk} has no review yet (it is {fact.get_status_display().lower()}).",
                "not_reviewed",
            )
        return Response(claimreview.fact_review(request, fact, fact.appearances), content_type="application/ld+json")


# The most events one feed page returns; a consumer asks for more with limit (up to MAX_FEED_LIMIT).
FEED_LIMIT = 100
MAX_FEED_LIMIT = 1000


def _whole_number(request, name: str, default: int, low: int, high: int, example: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19 or not low <= int(raw) <= high:
        raise ValidationError({name: [f"Expected a whole number from {low} to {high}, e.g. {example}."]})
    return int(raw)


class ChangeFeedView(HttpCachingMixin, APIView):
    """The change feed: every change to the public set, in an order no reader skips an event of."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Changes to the public set",
        description="Every event a consumer needs to mirror the public claims exactly, oldest first: published "
        "(the claim entered the public set), updated (its public JSON changed), withdrawn (it left the public set, "
        "or its verdict changed: a published event with the new verdict follows). Start with after=0 and keep "
        "the seq of the last event you applied; follow next. Events are never skipped: an event becomes visible "
        "only after every event with a lower seq.",
        parameters=[
            OpenApiParameter("after", int, description="The seq of the last event you applied; 0 to start."),
            OpenApiParameter(
                "limit", int, description=f"At most this many events, 1 to {MAX_FEED_LIMIT} (default {FEED_LIMIT})."
            ),
        ],
        responses={200: serializers.ChangeFeedSerializer, 400: ERRORS[400]},
    )
    def get(self, request):
        after = _whole_number(request, "after", 0, 0, MAX_ID, 1042)
        limit = _whole_number(request, "limit", FEED_LIMIT, 1, MAX_FEED_LIMIT, 500)
        events = publishing.events_after(after, limit)
        cursor = events[-1].seq if events else after
        query = {"after": cursor} | ({"limit": limit} if "limit" in request.query_params else {})
        return Response(
            {
                "results": serializers.ChangeEventSerializer(events, many=True).data,
                "next": request.build_absolute_uri(f"{request.path}?{urlencode(query)}"),
                "has_more": len(events) == limit,
            }
        )
