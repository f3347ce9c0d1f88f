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
            for claim in report.created:
                self.stdout.write(json.dumps(_as_json(claim), ensure_ascii=False))
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


def _as_json(claim) -> dict:
    return {
        "source": claim.source_id,
        "span_start": claim.span_start,
        "span_end": claim.span_end,
        "quote": claim.quote,
        "statement": claim.statement,
        "kind": claim.kind,
        "subject": claim.subject,
        "value": None if claim.value is None else format(claim.value.normalize(), "f"),
        "unit": claim.unit,
        "qualifier": claim.qualifier,
        "as_of": claim.as_of.isoformat() if claim.as_of else None,
        "as_of_precision": claim.as_of_precision,
        "origin": claim.origin,
        "confidence": claim.confidence,
        "extractor_version": claim.extractor_version,
    }
