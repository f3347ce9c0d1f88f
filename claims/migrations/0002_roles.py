"""Create the Editors and Readers groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# The groups and permissions of claims.roles when this migration was written, copied so that
# it does not change with the application's code.
_VIEW = [
    "claims.view_source",
    "claims.view_claim",
    "claims.view_reviewnote",
    "claims.view_evidence",
    "claims.view_historicalclaim",
]
GROUP_PERMISSIONS = {
    "Readers": _VIEW,
    "Editors": [
        *_VIEW,
        "claims.add_source",
        "claims.change_source",
        "claims.add_claim",
        "claims.change_claim",
        "claims.delete_claim",
        "claims.review_claim",
        "claims.add_reviewnote",  # notes are append-only: no change or delete
        "claims.add_evidence",
        "claims.change_evidence",
        "claims.delete_evidence",
    ],
}


def ensure_groups(*, group_model, permission_model):
    """Create or update the Editors and Readers groups with exactly their permissions."""
    for name, labels in GROUP_PERMISSIONS.items():
        wanted = []
        for label in labels:
            app_label, codename = label.split(".")
            wanted.append(permission_model.objects.get(content_type__app_label=app_label, codename=codename))
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set(wanted)


def create_groups(apps, schema_editor):
    # Permissions are normally made after the last migration; make them now so the
    # groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_groups(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUP_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
