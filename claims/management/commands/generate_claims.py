"""Fill the database with realistic synthetic sources and claims, for benchmarks."""

import time

from django.core.management import BaseCommand, CommandError

from claims import synthetic


class Command(BaseCommand):
    help = (
        "Create N synthetic articles (built from the seed and test texts) and M claims on them with valid "
        "spans found by the extractor, every status and unit, evidence and notes on reviewed claims. "
        "Bulk inserts: 100,000 claims take well under a minute on PostgreSQL. Deterministic for a given --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sources", type=int, default=2000)
        parser.add_argument("--claims", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, sources, claims, seed, **options):
        if sources < 1 or claims < 0:
            raise CommandError("--sources must be at least 1 and --claims at least 0.")
        started = time.perf_counter()
        report = synthetic.generate(sources=sources, claims=claims, seed=seed, log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {report['sources']} sources, {report['claims']} claims, {report['evidence']} evidence "
                f"items and {report['notes']} notes in {time.perf_counter() - started:.1f} s."
            )
        )
