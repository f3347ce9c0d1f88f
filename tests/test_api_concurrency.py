"""Two editors writing the same claim at the same moment: one wins, the other gets 412."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from claims import roles
from claims.models import Claim
from tests.factories import ClaimFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(claim: Claim, editors: list, etag: str) -> list[int]:
    barrier = threading.Barrier(len(editors))
    codes: list[int] = []

    def write(user, subject):
        client = APIClient()
        client.force_authenticate(user)
        barrier.wait()
        try:
            response = client.patch(f"/api/claims/{claim.pk}/", {"subject": subject}, HTTP_IF_MATCH=etag)
            codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(user, user.username)) for user in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(codes)


@pytest.mark.parametrize("round_", range(5))
def test_two_editors_with_the_same_etag_exactly_one_wins(round_, groups):
    group = groups[roles.EDITORS]
    editors = [UserFactory(username=f"editor-{round_}-{i}") for i in range(2)]
    for user in editors:
        user.groups.add(group)
    claim = ClaimFactory()
    etag = f'"{claim.pk}-{claim.version}"'
    assert race(claim, editors, etag) == [200, 412]
    claim.refresh_from_db()
    assert claim.version == 2
    assert claim.subject in {user.username for user in editors}
    assert claim.history.count() == 2  # the creation and exactly one accepted change


def test_eight_writers_with_the_same_etag_one_wins(groups):
    group = groups[roles.EDITORS]
    editors = [UserFactory(username=f"writer-{i}") for i in range(8)]
    for user in editors:
        user.groups.add(group)
    claim = ClaimFactory()
    codes = race(claim, editors, f'"{claim.pk}-1"')
    assert codes == [200] + [412] * 7
    claim.refresh_from_db()
    assert claim.version == 2
