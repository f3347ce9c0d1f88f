"""Exports a spreadsheet opens safely: a text cell can never run as a formula.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (CSV injection, OWASP); such a text cell
gets a leading ``'``, which spreadsheets show as text and which keeps every character of
it. Cells of numeric fields are left alone: a value of -5 stays the number -5.
"""

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from import_export import fields, resources, widgets
from import_export.admin import ExportActionMixin
from import_export.formats import base_formats

from .models import Claim

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Formats programs read, not spreadsheets: their text is written as stored. Every other
# format (CSV, TSV, XLSX, XLS, ODS, HTML) is one a spreadsheet opens as cells.
NOT_CELLS = (base_formats.JSON, base_formats.YAML)


def escape_formula(value: object) -> object:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def opens_as_cells(file_format: object) -> bool:
    """Whether a spreadsheet opens ``file_format`` (a format instance or class) as cells."""
    format_class = file_format if isinstance(file_format, type) else type(file_format)
    return not issubclass(format_class, NOT_CELLS)


class SpreadsheetSafeResource(resources.ModelResource):
    """A resource whose text cells are escaped for every format that opens as cells.

    Escaping is on unless the export says ``formulae_are_data=True`` (the admin does for
    JSON), so an export by any other path, the ``export`` command included, is safe too.
    """

    def export_field(self, field: Any, instance: Model, **kwargs: Any) -> Any:
        value = super().export_field(field, instance, **kwargs)
        if kwargs.get("formulae_are_data") or isinstance(field.widget, widgets.NumberWidget):
            return value
        return escape_formula(value)


class SpreadsheetSafeExportActionMixin(ExportActionMixin):
    """django-import-export's admin export, telling the resource which formats are read as
    cells (the library's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT deletes a leading ``=``
    instead, losing it, and leaves ``+``, ``-`` and ``@`` as they are)."""

    def get_export_data(self, file_format: Any, request: HttpRequest, queryset: QuerySet[Any], **kwargs: Any) -> Any:
        kwargs["formulae_are_data"] = not opens_as_cells(file_format)
        return super().get_export_data(file_format, request, queryset, **kwargs)


class ClaimResource(SpreadsheetSafeResource):
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
