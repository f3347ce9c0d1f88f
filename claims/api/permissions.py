"""Who may do what through the API: anyone reads, model permissions write."""

from rest_framework import permissions


class ModelPermissionsOrReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Reads are open (views narrow what each caller sees); writes need the model
    permission of the Editors group: add, change or delete."""

    def has_permission(self, request, view):
        # DRF builds the view's whole queryset only to learn its model, even for a read that
        # needs no permission: a tenth of a list request.
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().has_permission(request, view)


def can_see_everything(user) -> bool:
    """Editors and readers (anyone who may view claims) see every status; others only verified."""
    return bool(user and user.is_authenticated and user.has_perm("claims.view_claim"))
