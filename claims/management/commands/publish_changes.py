"""Bring the change feed up to date with the public set after claims were written without a service."""

from django.core.management import BaseCommand

from claims import publishing


class Command(BaseCommand):
    help = (
        "Compare every claim's public JSON with its last change event and write the events that are missing "
        "(after a bulk load or a raw SQL fix wrote claims without the services). Writes nothing when the feed "
        "is up to date."
    )

    def handle(self, *args, **options):
        written = publishing.publish_all()
        self.stdout.write(self.style.SUCCESS(f"{written} change event{'' if written == 1 else 's'} written."))
