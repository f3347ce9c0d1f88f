"""Write everything Claimbook holds to one fixture file; `loaddata` restores it.

Sources, claims, notes, evidence, every history row, the users with their groups, and API
tokens, every row with its own primary key, so a restore gives back the same ids. Permissions
and content types are referred to by natural key (app and codename), because their ids differ
from one database to another. Restore into a freshly migrated database: loaddata writes each
row under its id, replacing a row that has the same one (the Editors and Readers groups the
migration made are replaced by the backup's, which the same migration made).

The format is Django's XML: its JSON encoder cuts datetimes to milliseconds, and a restore
must give back every ``updated_at`` to the microsecond (the API's incremental sync pages on
it). A name ending in .xml.gz, .xml.bz2, .xml.xz or .xml.lzma is compressed.

    python manage.py backup claimbook-2026-11-25.xml.gz
    python manage.py migrate && python manage.py loaddata claimbook-2026-11-25.xml.gz
"""

import re

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Order matters for loaddata only within one transaction's deferred constraints; kept
# readable: who, then what.
BACKUP_LABELS = ["auth.group", "auth.user", "authtoken.token", "claims"]


class Command(BaseCommand):
    help = "Write every source, claim, note, evidence item, history row, user and token to one fixture file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="File to write, e.g. claimbook.xml.gz (compressed by its extension).")

    def handle(self, *args, path, **options):
        if not re.search(r"\.xml(\.(gz|bz2|xz|lzma))?$", path):
            raise CommandError(
                f"Name the backup file *.xml or *.xml.gz (got {path}): loaddata reads the format from it."
            )
        call_command(
            "dumpdata", *BACKUP_LABELS, format="xml", natural_foreign=True, indent=1,
            output=path, verbosity=0,
        )  # fmt: skip
        self.stdout.write(f"Backup written to {path}. Restore: manage.py migrate && manage.py loaddata {path}")
