"""The claims app: sources, the claims anchored in them, and their review."""

from django.apps import AppConfig


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
