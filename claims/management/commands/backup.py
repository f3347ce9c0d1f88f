"""Write everything Claimbook holds to one fixture file; `loaddata` restores it.

Sources, claims, notes, evidence, every history row, and the users with their groups, every
row with its own primary key, so a restore gives back the same ids. Permissions and content
types are referred to by natural key (app and codename), because their ids differ from one
database to another. Restore into a freshly migrated database: loaddata writes each row
under its id, replacing a row that has the same one (the Editors and Readers groups the
migration made are replaced by the backup's, which the same migration made).

Secrets stay out unless ``--include-secrets`` is given: users are written with an unusable
password (after a restore each one sets a new one: ``manage.py changepassword NAME``) and
API tokens are not written (make new ones: ``manage.py drf_create_token NAME``), nor are webhook
endpoints, whose signing secrets they hold, with their deliveries (register them again). The file
is readable by its owner only (mode 0600) from the moment it exists, and it replaces an
earlier file of that name only once it is complete.

The format is Django's XML: its JSON encoder cuts datetimes to milliseconds, and a restore
must give back every ``updated_at`` to the microsecond (the API's incremental sync pages on
it). A name ending in .xml.gz, .xml.bz2, .xml.xz or .xml.lzma is compressed.

    python manage.py backup claimbook-2026-11-25.xml.gz
    python manage.py migrate && python manage.py loaddata claimbook-2026-11-25.xml.gz
"""

import bz2
import contextlib
import gzip
import io
import lzma
import os
import re
import tempfile
from pathlib import Path

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError

# Who, then what; serializers.sort_dependencies puts each model after those it refers to.
BACKUP_LABELS = ["auth.group", "auth.user", "authtoken.token", "claims"]
# Left out unless --include-secrets: tokens, and webhook endpoints (each holds its signing secret)
# with the deliveries and attempts that refer to them.
SECRET_MODELS = {"authtoken.token", "claims.webhookendpoint", "claims.webhookdelivery", "claims.deliveryattempt"}

# How each compressed name is written; the same modules loaddata reads them with.
COMPRESSORS = {
    ".gz": (gzip.open, {}),
    ".bz2": (bz2.open, {}),
    ".xz": (lzma.open, {}),
    ".lzma": (lzma.open, {"format": lzma.FORMAT_ALONE}),
}
PRIVATE = 0o600  # owner read and write, nobody else


def backup_models(*, include_secrets: bool) -> list:
    chosen = []
    for label in BACKUP_LABELS:
        if "." in label:
            chosen.append(apps.get_model(label))
        else:
            chosen.extend(apps.get_app_config(label).get_models())
    if not include_secrets:
        chosen = [model for model in chosen if model._meta.label_lower not in SECRET_MODELS]
    return serializers.sort_dependencies([(None, chosen)], allow_cycles=True)


def backup_objects(models, *, include_secrets: bool):
    """Every row of ``models`` in primary-key order; users without their password hash
    unless ``include_secrets``."""
    user_model = apps.get_model("auth.user")
    for model in models:
        for obj in model._default_manager.order_by(model._meta.pk.name).iterator():
            if model is user_model and not include_secrets:
                obj.password = make_password(None)  # unusable: the restored user sets a new one
            yield obj


@contextlib.contextmanager
def private_file(path: Path):
    """A binary file that becomes ``path`` when the block ends without error: created mode
    0600 (whatever the umask), in the same directory, and renamed over ``path`` at the end,
    so an earlier backup of that name is kept if this one fails half way."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        os.fchmod(handle, PRIVATE)
        with os.fdopen(handle, "wb") as raw:
            yield raw
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


class Command(BaseCommand):
    help = (
        "Write every source, claim, note, evidence item, history row and user to one fixture file, readable by "
        "its owner only. Password hashes and API tokens are left out unless --include-secrets is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="File to write, e.g. claimbook.xml.gz (compressed by its extension).")
        parser.add_argument(
            "--include-secrets",
            action="store_true",
            help="Also write password hashes and API tokens, so a restore keeps every login and token.",
        )

    def handle(self, *args, path, include_secrets, **options):
        match = re.search(r"\.xml(\.(gz|bz2|xz|lzma))?$", path)
        if not match:
            raise CommandError(
                f"Name the backup file *.xml or *.xml.gz (got {path}): loaddata reads the format from it."
            )
        target = Path(path)
        if not target.parent.is_dir():
            raise CommandError(f"Cannot write {path}: there is no directory {target.parent}. No backup was written.")
        compress, compress_options = COMPRESSORS.get(match.group(1) or "", (None, {}))
        models = backup_models(include_secrets=include_secrets)
        endpoints = apps.get_model("claims.webhookendpoint").objects.count()
        try:
            with private_file(target) as raw:
                text = (
                    compress(raw, "wt", encoding="utf-8", **compress_options)
                    if compress
                    else io.TextIOWrapper(raw, "utf-8")
                )
                with text:
                    serializers.serialize(
                        "xml", backup_objects(models, include_secrets=include_secrets), indent=1,
                        use_natural_foreign_keys=True, stream=text,
                    )  # fmt: skip
        except OSError as exc:
            raise CommandError(
                f"Cannot write {path}: {exc.strerror}. "
                "No backup was written (an earlier file of that name is unchanged)."
            ) from None
        self.stdout.write(f"Backup written to {path}. Restore: manage.py migrate && manage.py loaddata {path}")
        if include_secrets:
            held = (
                "password hashes, API tokens and webhook signing secrets"
                if endpoints
                else "password hashes and API tokens"
            )
            self.stderr.write(self.style.WARNING(f"{path} holds {held}: keep it where only you can read it."))
        else:
            self.stdout.write(
                "Password hashes and API tokens are not in it: after a restore each "
                "user sets a new password (manage.py changepassword NAME) and tokens are made again "
                "(manage.py drf_create_token NAME). --include-secrets writes them."
            )
            if endpoints:
                counted = (
                    "The webhook endpoint and its" if endpoints == 1 else f"The {endpoints} webhook endpoints and their"
                )
                self.stdout.write(
                    f"{counted} deliveries are not in it either (each endpoint holds its signing secret): register "
                    "them again after a restore, or back up with --include-secrets."
                )
