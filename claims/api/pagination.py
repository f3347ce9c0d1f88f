"""Cursor pagination: a page deep in 100,000 claims costs what the first one does.

``page_size`` and ``cursor`` are checked like every other parameter: a value that is not one
(``page_size=0``, a cursor this API never gave out) is a 400 naming it, not silently ignored.
"""

import binascii
from base64 import b64decode

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from claims.params import column_value


class ClaimCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500  # a client asking for more gets this many
    ordering = "id"  # overridden by ?ordering=; updated_at,id for incremental sync

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "").strip()
        if not raw:
            return self.page_size  # an empty parameter counts as absent, like every filter
        if not (raw.isascii() and raw.isdigit()) or int(raw[:18]) == 0:
            raise ValidationError(
                {self.page_size_query_param: [f"Expected a whole number from 1 to {self.max_page_size}, e.g. 200."]}
            )
        return min(int(raw[:18]) if len(raw) <= 18 else self.max_page_size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model  # decode_cursor checks the position against its ordering column
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            b64decode(encoded.encode("ascii"), validate=True)  # DRF's decoder skips stray characters
            cursor = super().decode_cursor(request)
        except (UnicodeEncodeError, binascii.Error, NotFound):
            raise self._invalid_cursor("Not a cursor this list gave out.") from None
        if cursor.position is not None:
            order = self.ordering[0].lstrip("-")
            try:
                position = column_value(self._model._meta.get_field(order), cursor.position)
            except DjangoValidationError:
                raise self._invalid_cursor(
                    f"This cursor's position does not fit ordering by {order}: it was made for another ordering, "
                    "or not by this list."
                ) from None
            cursor = cursor._replace(position=str(position))  # a naive time read as UTC, as it was written
        return cursor

    def _invalid_cursor(self, why: str) -> ValidationError:
        advice = "Follow the next and previous links as they are, with the same ordering."
        return ValidationError({self.cursor_query_param: [f"{why} {advice}"]})
