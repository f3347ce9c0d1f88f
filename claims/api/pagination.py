"""Cursor pagination: a page deep in 100,000 claims costs what the first one does."""

from rest_framework.pagination import CursorPagination


class ClaimCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500  # a client asking for more gets this many
    ordering = "id"  # overridden by ?ordering=; updated_at,id for incremental sync
