"""OpenAPI generation details drf-spectacular cannot infer from our permission class."""

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS


class ClaimbookAutoSchema(AutoSchema):
    def get_auth(self):
        """Reads are open to anonymous callers (they see verified claims): say so."""
        auth = super().get_auth()
        if self.method in SAFE_METHODS and {} not in auth:
            auth.append({})
        return auth
