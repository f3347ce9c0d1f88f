"""The two roles of the newsroom, as auth groups: Editors review, Readers look.

Used by ``setup_demo`` and the tests; written against the models it is given. The data
migration that first created the groups (0002) keeps its own copy of these lists, as a
migration must not import application code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import Group, Permission

EDITORS = "Editors"
READERS = "Readers"

_VIEW = [
    "claims.view_source",
    "claims.view_claim",
    "claims.view_reviewnote",
    "claims.view_evidence",
    "claims.view_historicalclaim",
]

GROUP_PERMISSIONS = {
    READERS: _VIEW,
    EDITORS: [
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


def ensure_groups(*, group_model: type[Group], permission_model: type[Permission]) -> dict[str, Group]:
    """Create or update the Editors and Readers groups with exactly their permissions."""
    groups: dict[str, Group] = {}
    for name, labels in GROUP_PERMISSIONS.items():
        wanted = []
        for label in labels:
            app_label, codename = label.split(".")
            wanted.append(permission_model.objects.get(content_type__app_label=app_label, codename=codename))
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set(wanted)
        groups[name] = group
    return groups
