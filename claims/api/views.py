"""Thin API views: validate, call a service or a selector, serialize."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from claims import services, workflow
from claims.models import Claim, Source
from claims.views import write_transaction

from . import claim_json, serializers
from .exceptions import error_response
from .filters import ClaimFilter, ClaimFilterBackend, StrictOrderingFilter
from .pagination import ClaimCursorPagination
from .permissions import can_see_everything

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
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Claims with their spans. Anonymous callers see verified claims only."""

    queryset = Claim.objects.all()
    lookup_value_regex = ID_IN_URL
    filterset_class = ClaimFilter
    pagination_class = ClaimCursorPagination
    ordering_fields = ["id", "updated_at", "created_at", "span_start"]
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    filter_backends = [ClaimFilterBackend, StrictOrderingFilter]

    def visible_claims(self):
        """Every claim for editors and readers; verified ones only for anyone else."""
        if self.editor:
            return Claim.objects.all()
        return Claim.objects.filter(status=workflow.Status.VERIFIED)

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
        if claim.status not in serializers.CLAIM_REVIEW_RATINGS or claim.reviewed_at is None:
            return error_response(
                status.HTTP_404_NOT_FOUND,
                f"Claim {claim.pk} has no review yet (it is {claim.get_status_display().lower()}).",
                "not_reviewed",
            )
        url = request.build_absolute_uri(f"/api/claims/{claim.pk}/")
        response = Response(serializers.claim_review(claim, url), content_type="application/ld+json")
        response["ETag"] = etag(claim.pk, claim.version)
        return response

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
class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    """Articles, with the text every claim offset counts into."""

    queryset = Source.objects.all()
    lookup_value_regex = ID_IN_URL
    pagination_class = ClaimCursorPagination
    filter_backends = []

    def get_queryset(self):
        if self.action == "list":
            return Source.objects.defer("text").order_by("id")
        return Source.objects.all()

    def get_serializer_class(self):
        return serializers.SourceListSerializer if self.action == "list" else serializers.SourceSerializer
