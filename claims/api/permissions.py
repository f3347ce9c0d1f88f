"""Who may do what through the API: anyone reads, model permissions write."""

from rest_framework import permissions

from claims import workflow

# What anonymous callers see: claims and facts with a verdict (and a fact's appearances only where
# the claim itself is public). Everyone who may view claims sees everything.
PUBLIC_STATUSES = tuple(sorted(workflow.PUBLIC))
# What the anonymous claim list returns when it names no status: the verified facts consumers pull.
DEFAULT_PUBLIC_STATUS = workflow.Status.VERIFIED


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
    """Editors and readers (anyone who may view claims) see every status; others the public ones."""
    return bool(user and user.is_authenticated and user.has_perm("claims.view_claim"))


def visible(queryset, user):
    """``queryset`` of claims or facts narrowed to what ``user`` may see: the one public rule."""
    return queryset if can_see_everything(user) else public(queryset)


def public(queryset):
    """``queryset`` of claims or facts narrowed to the public ones, whoever asks."""
    return queryset.filter(status__in=PUBLIC_STATUSES)


def can_see_matches(user) -> bool:
    """Suggested matches are editors' work in progress: those who may change claims see them."""
    return bool(user and user.is_authenticated and user.has_perm("claims.change_claim"))
