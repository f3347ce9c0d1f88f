"""Import an article, or re-import a changed one and re-anchor its claims."""

import sys
from datetime import date

from django.core.management import BaseCommand, CommandError

from claims import services, spans
from claims.conf import claimbook_settings
from claims.models import Source


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--published-on must be a date like 2019-09-12, got {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Import an article's text from PATH (UTF-8; '-' reads standard input) as a source. Importing the same "
        "text again changes nothing; a changed text for an existing source (same --url, or --source ID) "
        "re-anchors every claim and reports how many stayed exact, were relocated or orphaned."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="File to import, or - for standard input.")
        parser.add_argument("--title", default="", help="Headline (default: the text's first line).")
        parser.add_argument("--publisher", default="")
        parser.add_argument(
            "--url", default="", help="The article's http:// or https:// URL; an existing source with it is updated."
        )
        parser.add_argument("--published-on", type=_date, help="Publication date, YYYY-MM-DD.")
        parser.add_argument("--source", type=int, help="ID of the source whose text this replaces.")

    def handle(self, *args, path, title, publisher, url, published_on, source, **options):
        limit = claimbook_settings.MAX_SOURCE_CHARS
        data = self._read(path, max_bytes=4 * limit)
        target = None
        if source is not None:
            target = Source.objects.filter(pk=source).first()
            if target is None:
                raise CommandError(f"There is no source {source}. Nothing was written.")
        try:
            text = spans.decode_text(data)
            if not title and target is None and text.strip():
                title = text.strip().splitlines()[0].strip()[:500]
            report = services.source_import(
                text=text, title=title, publisher=publisher, url=url, published_on=published_on, source=target
            )
        except spans.SpanError as exc:
            raise CommandError(f"{exc.message} Nothing was written.") from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if report.anchors["orphaned"]:
            orphans = report.source.claims.filter(anchor_state="orphaned").values_list("pk", flat=True)
            self.stdout.write(self.style.WARNING(f"Orphaned claims (no longer found): {', '.join(map(str, orphans))}"))

    def _read(self, path: str, *, max_bytes: int) -> bytes:
        try:
            if path == "-":
                data = sys.stdin.buffer.read(max_bytes + 1)
            else:
                with open(path, "rb") as handle:
                    data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        if len(data) > max_bytes:
            raise CommandError(
                f"{path} is larger than {max_bytes} bytes, the import limit "
                f"(CLAIMBOOK_MAX_SOURCE_CHARS={claimbook_settings.MAX_SOURCE_CHARS}). Nothing was written."
            )
        return data
