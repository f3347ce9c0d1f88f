"""Django's loaddata, with Claimbook's integrity errors reported as a clear failure.

The fixture is loaded in one transaction as usual; a claim whose span does not hold, a
figure or unit Claimbook cannot store, or a row the database refuses rolls everything back
and ends the command with the reason (naming the object) instead of a traceback.
"""

from django.core.management import CommandError
from django.core.management.commands import loaddata
from django.db import DatabaseError

from claims.numbers import ValueRefused
from claims.spans import SpanError


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        try:
            return super().handle(*fixture_labels, **options)
        except (SpanError, ValueRefused, DatabaseError) as exc:
            raise CommandError(f"{exc} Nothing was loaded.") from exc
