"""Create the demo editor account and print how to log in."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import BaseCommand, CommandError

from claims import roles


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo editor account in the Editors group and print its login. "
        "The password is random unless given; nothing about it is stored in the repository."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor", help="Account name (default: editor).")
        parser.add_argument("--password", help="Password to set (default: a new random one, printed).")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/", help="Admin URL to print.")

    def handle(self, *args, username, password, url, **options):
        if settings.PRODUCTION:
            raise CommandError("setup_demo creates a known account; it refuses to run with CLAIMBOOK_ENV=production.")
        password = password or secrets.token_urlsafe(12)
        groups = roles.ensure_groups(group_model=Group, permission_model=Permission)
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": "Demo", "last_name": "Editor"}
        )
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.add(groups[roles.EDITORS])
        self.stdout.write(self.style.SUCCESS(f"Demo editor {'created' if created else 'reset'}."))
        self.stdout.write(f"  Admin:    {url}")
        self.stdout.write(f"  Username: {username}")
        self.stdout.write(f"  Password: {password}")
