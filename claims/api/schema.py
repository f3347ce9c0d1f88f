"""OpenAPI generation details drf-spectacular cannot infer: our permission class, and how the
API reads an empty query parameter."""

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS


class ClaimbookAutoSchema(AutoSchema):
    def get_auth(self):
        """Reads are open to anonymous callers (they see verified claims): say so."""
        auth = super().get_auth()
        if self.method in SAFE_METHODS and {} not in auth:
            auth.append({})
        return auth


def empty_query_values_count_as_absent(result, generator, request, public):
    """drf-spectacular post-processing hook: ``?status=`` filters nothing, as in django-filter
    and DRF, so every query parameter admits the empty value (OpenAPI's allowEmptyValue)."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "query":
                    parameter["allowEmptyValue"] = True
    return result
