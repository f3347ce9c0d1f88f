"""The claims app: sources, the claims anchored in them, and their review."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import services, webhooks  # noqa: F401  (services connects the webhook outbox to events_written)
        from .conf import claimbook_settings

        # A CLAIMBOOK key Claimbook does not know stops start-up (ImproperlyConfigured), not the
        # first request that happens to read a setting; so does a retry schedule it cannot read.
        claimbook_settings.user_settings  # noqa: B018
        webhooks.parse_schedule(claimbook_settings.WEBHOOK_RETRY_SCHEDULE)
        # Every app's post_migrate: the roles name permissions of several apps, each created by its own.
        post_migrate.connect(ensure_roles, dispatch_uid="claims.ensure_roles")


def ensure_roles(sender: AppConfig, **kwargs: object) -> None:
    """The Editors and Readers groups with their permissions, after every ``migrate`` and ``flush``
    (a flush empties the tables the roles migration filled; a test database is flushed between
    transactional tests), once every permission they hold exists."""
    from django.contrib.auth.models import Group, Permission

    from . import roles

    try:
        roles.ensure_groups(group_model=Group, permission_model=Permission)
    except Permission.DoesNotExist:
        return  # an app whose permissions the roles hold has not had its post_migrate yet
