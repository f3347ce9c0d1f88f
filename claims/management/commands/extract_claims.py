"""Propose candidate claims for a source with the extractor."""

import json

from django.core.management import BaseCommand, CommandError

from claims import services
from claims.models import Source

_LONG_TEXT = 100_000  # characters above which a progress bar is drawn on stderr


class Command(BaseCommand):
    help = (
        "Run the extractor on SOURCE_ID and store every new candidate as an unreviewed claim (origin "
        "extractor). Running it again creates no duplicates; reviewed and dismissed claims are never touched. "
        "--dry-run prints the candidates it would create as JSON lines and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("source_id", type=int)
        parser.add_argument("--dry-run", action="store_true", help="Print the candidates as JSON lines; write nothing.")

    def handle(self, *args, source_id, dry_run, **options):
        source = Source.objects.filter(pk=source_id).first()
        if source is None:
            raise CommandError(f"There is no source {source_id}.")
        progress = self._progress if len(source.text) > _LONG_TEXT else None
        report = services.source_propose_claims(source=source, dry_run=dry_run, progress=progress)
        if dry_run:
            for candidate in report.candidates:
                line = {"source": source.pk, **candidate.as_dict(), "origin": "extractor"}
                self.stdout.write(json.dumps(line, ensure_ascii=False))
            self.stderr.write(f"{len(report.created)} candidates (dry run: nothing written).")
            return
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        self.stderr.write(
            f"\rExtracting [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} characters",
            ending="\n" if done == total else "",
        )
        self.stderr.flush()
