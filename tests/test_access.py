"""Who may do what: a permission matrix over the API and the admin, walked request by request,
and the login throttle that stops password guessing."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Claim, Evidence, ReviewNote
from tests.factories import ClaimFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "editor"]


@pytest.fixture
def world(db):
    source = SourceFactory()
    verified = ClaimFactory(source=source, status="verified", reviewed_at=timezone.now())
    disputed = ClaimFactory(source=source, span_start=0, span_end=5, kind="factual", value=None, unit="",
                            status="disputed")  # fmt: skip
    candidate = ClaimFactory(source=source, span_start=6, span_end=9, kind="factual", value=None, unit="")
    users = {}
    for role, group in (("reader", "Readers"), ("editor", "Editors")):
        user = UserFactory(username=role, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        users[role] = user
    return {"source": source, "verified": verified, "disputed": disputed, "candidate": candidate, "users": users}


def api_as(world, role) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world["users"][role])
    return client


def admin_as(world, role) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def state() -> tuple:
    """Everything a write could change."""
    return (
        list(Claim.objects.order_by("id").values_list("id", "status", "subject", "version")),
        ReviewNote.objects.count(),
        Evidence.objects.count(),
    )


# (method, path, body) -> expected code for anonymous, reader, editor
API_MATRIX = [
    ("get", "/api/claims/", None, (200, 200, 200)),
    ("get", "/api/claims/{verified}/", None, (200, 200, 200)),
    ("get", "/api/claims/{disputed}/", None, (200, 200, 200)),  # every verdict is public
    ("get", "/api/claims/{candidate}/", None, (404, 200, 200)),
    ("get", "/api/claims/{verified}/claimreview/", None, (200, 200, 200)),
    ("get", "/api/sources/", None, (200, 200, 200)),
    ("get", "/api/sources/{source}/", None, (200, 200, 200)),
    ("post", "/api/claims/", {"source": "{source}", "span_start": 10, "span_end": 15, "statement": "A claim.",
                              "kind": "factual"}, (401, 403, 201)),
    ("patch", "/api/claims/{disputed}/", {"subject": "Changed"}, (401, 403, 200)),
    ("patch", "/api/claims/{disputed}/", {"status": "in_review"}, (401, 403, 200)),
    ("put", "/api/claims/{verified}/", {"statement": "Replaced."}, (401, 403, 400)),
    ("delete", "/api/claims/{disputed}/", None, (401, 403, 409)),  # a verdict is kept: dismiss it instead
    ("delete", "/api/claims/{candidate}/", None, (401, 403, 204)),
    ("post", "/api/claims/{disputed}/notes/", {"body": "A note."}, (401, 403, 201)),
    ("post", "/api/claims/{disputed}/evidence/", {"url": "https://example.org/", "title": "T", "stance": "supports",
                                                  "retrieved_on": "2020-01-01"}, (401, 403, 201)),
    ("post", "/api/sources/", {"title": "x"}, (401, 403, 405)),
    ("delete", "/api/sources/{source}/", None, (401, 403, 403)),  # editors may not delete sources at all
]  # fmt: skip


def fill(value, world):
    ids = {name: world[name].pk for name in ("source", "verified", "disputed", "candidate")}
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: int(fill(v, world)) if v == "{source}" else fill(v, world) for key, v in value.items()}
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "body", "codes"), API_MATRIX, ids=lambda v: str(v)[:40])
def test_the_api_permission_matrix(world, role, method, path, body, codes):
    client = api_as(world, role)
    before = state()
    headers = {}
    if method in {"patch", "put", "delete"} and path.startswith("/api/claims/"):
        # The ETag an editor reads first; a write without one is a 428 (tested in test_api_write).
        headers["HTTP_IF_MATCH"] = api_as(world, "editor").get(fill(path, world))["ETag"]
    response = getattr(client, method)(fill(path, world), fill(body, world), format="json", **headers)
    expected = codes[ROLES.index(role)]
    assert response.status_code == expected, response.content
    if method != "get" and expected >= 400:
        assert state() == before  # a refused write changes nothing
    if expected in {401, 403, 404, 405}:
        assert set(response.json()) == {"detail", "code"}


ADMIN_MATRIX = [
    ("get", "/admin/claims/claim/", None, (302, 200, 200)),
    ("get", "/admin/claims/claim/{disputed}/change/", None, (302, 200, 200)),
    ("get", "/admin/claims/claim/add/", None, (302, 403, 200)),
    ("get", "/admin/claims/source/{source}/annotated/", None, (302, 200, 200)),
    ("get", "/admin/claims/claim/{disputed}/history/", None, (302, 200, 200)),
    ("post", "/admin/claims/claim/{disputed}/change/", {"statement": "Overwritten", "expected_version": "1"},
     (302, 403, 200)),
    ("post", "/admin/claims/claim/{candidate}/delete/", {"post": "yes"}, (302, 403, 302)),
    ("post", "/admin/claims/claim/", {"action": "reopen", "_selected_action": ["{disputed}"]}, (302, 302, 302)),
    ("post", "/admin/claims/source/{source}/delete/", {"post": "yes"}, (302, 403, 403)),
    ("get", "/admin/auth/user/", None, (302, 403, 403)),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "data", "codes"), ADMIN_MATRIX, ids=lambda v: str(v)[:40])
def test_the_admin_permission_matrix(world, role, method, path, data, codes):
    client = admin_as(world, role)
    before = state()
    data = {key: [fill(v, world) for v in value] if isinstance(value, list) else value
            for key, value in (data or {}).items()}  # fmt: skip
    response = getattr(client, method)(fill(path, world), data)
    expected = codes[ROLES.index(role)]
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith("/admin/login/")
    if method == "post" and role != "editor":
        assert state() == before  # refused, or an action the reader is not offered: nothing changes


def test_an_editor_bulk_action_changes_what_a_reader_cannot(world):
    disputed = world["disputed"]
    admin_as(world, "reader").post("/admin/claims/claim/", {"action": "reopen", "_selected_action": [disputed.pk]})
    assert Claim.objects.get(pk=disputed.pk).status == "disputed"
    admin_as(world, "editor").post("/admin/claims/claim/", {"action": "reopen", "_selected_action": [disputed.pk]})
    assert Claim.objects.get(pk=disputed.pk).status == "in_review"


# -- login throttling (django-axes) ---------------------------------------------------------


def attempt(password: str, ip: str = "203.0.113.7") -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.post("/admin/login/?next=/admin/", {"username": "chief", "password": password, "next": "/admin/"})
    return client


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_login_even_against_the_right_one(django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@claimbook.example", "the-right-password-4q")
    for _ in range(4):
        assert not logged_in(attempt("guess"))
    client = Client(REMOTE_ADDR="203.0.113.7")
    response = client.post("/admin/login/", {"username": "chief", "password": "guess", "next": "/admin/"})
    assert response.status_code == 429
    assert "Account locked: too many login attempts" in response.content.decode()
    locked = Client(REMOTE_ADDR="203.0.113.7")
    response = locked.post("/admin/login/", {"username": "chief", "password": "the-right-password-4q"})
    assert response.status_code == 429
    assert not logged_in(locked)
    # The same editor on another network is not locked out by a stranger's guesses.
    assert logged_in(attempt("the-right-password-4q", ip="198.51.100.20"))


def test_a_successful_login_resets_the_failure_count(django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@claimbook.example", "the-right-password-4q")
    for _ in range(4):
        attempt("guess")
    assert logged_in(attempt("the-right-password-4q"))
    for _ in range(4):
        assert not logged_in(attempt("guess"))
    assert logged_in(attempt("the-right-password-4q"))


def test_every_admin_page_carries_the_content_security_policy(world):
    response = admin_as(world, "editor").get(f"/admin/claims/source/{world['source'].pk}/annotated/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    docs = APIClient().get("/api/redoc/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in docs  # Redoc styles itself inline; its scripts stay 'self'
    assert "script-src 'self';" in docs + ";"


# -- whose address is it: a client cannot pick a new one per request --------------------


def test_a_forged_x_forwarded_for_does_not_escape_the_anonymous_throttle(settings):
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "ANON_THROTTLE_RATE": "3/minute"}
    client = APIClient()
    codes = [client.get("/api/claims/", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]


def test_behind_a_proxy_each_client_is_counted_by_the_address_the_proxy_saw(settings):
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "ANON_THROTTLE_RATE": "3/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    first = [APIClient().get("/api/claims/", HTTP_X_FORWARDED_FOR="forged, 198.51.100.1", **proxy).status_code
             for _ in range(4)]  # fmt: skip
    other = APIClient().get("/api/claims/", HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code
    assert (first, other) == ([200, 200, 200, 429], 200)


def test_a_forged_x_forwarded_for_does_not_escape_the_login_lockout(django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@claimbook.example", "the-right-password-4q")
    for i in range(5):
        Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").post(
            "/admin/login/", {"username": "chief", "password": "guess"}
        )
    response = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.99").post(
        "/admin/login/", {"username": "chief", "password": "the-right-password-4q"}
    )
    assert response.status_code == 429
