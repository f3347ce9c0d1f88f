"""Webhooks: endpoints registered in the admin, an outbox written with the change, and a worker
that signs each delivery as Standard Webhooks says, retries it with backoff for more than a day,
and delivers every event at least once through failures, a killed worker and a restarted database."""

import base64
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from claims import services, webhooks
from claims.models import ChangeEvent, Claim, DeliveryAttempt, WebhookDelivery, WebhookEndpoint
from tests.conftest import ROOT
from tests.factories import ClaimFactory, UserFactory

PUBLIC_IP = "93.184.216.34"


def public_resolver(host: str, port: int) -> list[str]:
    return [PUBLIC_IP]


@pytest.fixture
def allow_private(settings):
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "WEBHOOK_ALLOW_PRIVATE": True}


class Receiver:
    """A real HTTP endpoint on 127.0.0.1: answers 500 to its first ``fail_first`` requests, sleeps
    ``hold_seconds`` on the request numbered ``hold_request`` (counting from 1), and records each."""

    def __init__(self, *, fail_first: int = 0, hold_request: int | None = None, hold_seconds: float = 0) -> None:
        self.fail_first, self.hold_request, self.hold_seconds = fail_first, hold_request, hold_seconds
        self.requests: list[dict] = []
        self.failures_answered = 0
        self.holding = threading.Event()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    headers = {name.lower(): value for name, value in self.headers.items()}
                    receiver.requests.append({"headers": headers, "body": body, "at": time.monotonic()})
                    number = len(receiver.requests)
                    fail = number <= receiver.fail_first
                    receiver.failures_answered += fail
                if number == receiver.hold_request:
                    receiver.holding.set()
                    time.sleep(receiver.hold_seconds)
                try:
                    self.send_response(500 if fail else 204)
                    self.end_headers()
                except OSError:
                    pass  # the worker that sent it is gone

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


# -- signing -----------------------------------------------------------------------------------


def test_a_new_secret_is_whsec_and_24_random_bytes_in_base64():
    secret = webhooks.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 24
    assert webhooks.new_secret() != secret


def test_a_signed_delivery_verifies_with_the_reference_library_and_gives_back_the_payload():
    secret = webhooks.new_secret()
    payload = {"type": "claim.published", "timestamp": "2026-12-06T21:00:00Z", "data": {"seq": 7, "claim": None}}
    body = webhooks.body_of(payload)
    headers = webhooks.signed_headers(secret=secret, msg_id="msg_1", body=body, now=timezone.now())
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "user-agent"}
    assert headers["webhook-id"] == "msg_1"
    assert re.fullmatch(r"v1,[A-Za-z0-9+/]{43}=", headers["webhook-signature"])
    assert Webhook(secret).verify(body, headers) == payload


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"body": b'{"type":"claim.withdrawn"}'}, "No matching signature found"),
        ({"secret": "whsec_" + base64.b64encode(b"x" * 24).decode()}, "No matching signature found"),
        ({"webhook-id": "msg_2"}, "No matching signature found"),
    ],
    ids=["altered body", "another secret", "another message id"],
)
def test_a_delivery_altered_in_any_part_does_not_verify(change, message):
    secret = webhooks.new_secret()
    body = webhooks.body_of({"type": "claim.published"})
    headers = webhooks.signed_headers(secret=secret, msg_id="msg_1", body=body, now=timezone.now())
    headers.update({k: v for k, v in change.items() if k.startswith("webhook")})
    with pytest.raises(WebhookVerificationError, match=message):
        Webhook(change.get("secret", secret)).verify(change.get("body", body), headers)


# -- the retry schedule ------------------------------------------------------------------------


def test_the_default_retry_schedule_is_standard_webhooks_and_keeps_trying_for_more_than_a_day():
    from claims.conf import DEFAULTS

    schedule = webhooks.parse_schedule(DEFAULTS["WEBHOOK_RETRY_SCHEDULE"])
    assert schedule == (5, 300, 1800, 7200, 18000, 36000, 36000)
    assert webhooks.retry_span(schedule) == 99305  # 27 h 35 min 5 s: more than a day
    assert webhooks.retry_span(schedule) >= 24 * 3600


def test_each_wait_grows_by_at_most_a_tenth_of_jitter_and_none_follows_the_last_attempt():
    schedule = (5, 300, 1800)
    assert [webhooks.retry_delay(n, schedule, rand=lambda: 0.0) for n in (1, 2, 3, 4)] == [5, 300, 1800, None]
    assert [webhooks.retry_delay(n, schedule, rand=lambda: 1.0) for n in (1, 2, 3)] == pytest.approx([5.5, 330, 1980])


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("5s 5x", "got '5x' in '5s 5x'"),
        ("0s", "got '0s' in '0s'"),
        ("", "must list at least one wait"),
    ],
)
def test_a_retry_schedule_that_cannot_be_read_stops_start_up_saying_what_was_expected(text, error):
    with pytest.raises(ImproperlyConfigured) as caught:
        webhooks.parse_schedule(text)
    assert error in str(caught.value)
    assert str(caught.value).startswith("CLAIMBOOK['WEBHOOK_RETRY_SCHEDULE'] must list")


def test_a_retry_schedule_may_be_separated_by_commas_and_use_days():
    assert webhooks.parse_schedule("1s,2m, 1h 1d") == (1, 120, 3600, 86400)


# -- which addresses an endpoint may have --------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "address", "kind"),
    [
        ("http://127.0.0.1:8000/hooks", "127.0.0.1", "loopback"),
        ("http://[::1]/hooks", "::1", "loopback"),
        ("https://10.0.0.5/hooks", "10.0.0.5", "private"),
        ("https://192.168.1.20/hooks", "192.168.1.20", "private"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "link-local"),
        ("http://224.0.0.1/hooks", "224.0.0.1", "multicast"),
        ("http://0.0.0.0/hooks", "0.0.0.0", "private"),
        ("http://[::ffff:127.0.0.1]/hooks", "::ffff:127.0.0.1", "loopback"),
        ("http://100.64.0.1/hooks", "100.64.0.1", "reserved"),
    ],
)
def test_an_endpoint_on_an_address_inside_the_network_is_refused_naming_the_address(url, address, kind):
    with pytest.raises(ValidationError) as caught:
        webhooks.check_url(url, allow_private=False)
    host = url.split("//")[1].split("/")[0].rsplit(":", 1)[0] if "[" not in url else address
    assert caught.value.messages == [
        f"The webhook host {host.strip('[]')} resolves to {address}, a {kind} address; webhooks are sent only "
        "to public addresses."
    ]
    assert caught.value.code == "webhook_private_address"


def test_a_host_name_that_resolves_inside_the_network_is_refused():
    with pytest.raises(ValidationError) as caught:
        webhooks.check_url("https://hooks.internal.example/x", allow_private=False, resolver=lambda h, p: ["10.1.2.3"])
    assert caught.value.messages == [
        "The webhook host hooks.internal.example resolves to 10.1.2.3, a private address; webhooks are sent only "
        "to public addresses."
    ]


def test_only_http_and_https_are_sent_to():
    with pytest.raises(ValidationError) as caught:
        webhooks.check_url("ftp://consumer.example/hooks", allow_private=True)
    assert caught.value.messages == [
        "A webhook URL must start with http:// or https://, got ftp://consumer.example/hooks."
    ]


def test_a_public_address_is_accepted_and_allow_private_lets_loopback_through():
    webhooks.check_url("https://consumer.example/hooks", allow_private=False, resolver=public_resolver)
    webhooks.check_url("http://127.0.0.1:9/hooks", allow_private=True)


# -- the outbox ----------------------------------------------------------------------------------


def verify(editor, claim: Claim, note: str = "Matches the ministry's budget paper.") -> Claim:
    services.claim_transition(claim=claim, to="in_review", by=editor)
    return services.claim_transition(claim=claim, to="verified", by=editor, note=note)


@pytest.fixture
def endpoint(db, allow_private):
    return services.webhook_endpoint_create(
        url="http://127.0.0.1:9/hooks", event_types=["published", "updated", "withdrawn"], by=None
    )


def test_an_event_is_written_to_the_outbox_with_its_payload_in_the_same_transaction(endpoint, editor):
    claim = ClaimFactory()
    verify(editor, claim)
    (event,) = ChangeEvent.objects.all()
    (delivery,) = WebhookDelivery.objects.all()
    assert (delivery.endpoint, delivery.event, delivery.state, delivery.attempts) == (endpoint, event, "pending", 0)
    assert re.fullmatch(r"msg_[0-9a-f]{32}", delivery.msg_id)
    timestamp = delivery.payload.pop("timestamp")
    assert timestamp == delivery.created_at.isoformat().replace("+00:00", "Z")
    assert delivery.payload == {
        "type": "claim.published",
        "data": {
            "seq": event.seq,
            "event": "published",
            "claim_id": claim.pk,
            "status": "verified",
            "at": event.at.isoformat().replace("+00:00", "Z"),
            "claim": event.payload,
        },
    }
    assert delivery.payload["data"]["claim"]["id"] == claim.pk


def test_a_change_rolled_back_leaves_no_event_and_nothing_in_the_outbox(endpoint, editor):
    claim = ClaimFactory(status=Claim.Status.IN_REVIEW)
    written_inside = []

    def change_then_fail():
        with transaction.atomic():
            services.claim_transition(claim=claim, to="verified", by=editor, note="Matches the budget paper.")
            written_inside.append(WebhookDelivery.objects.count())
            raise RuntimeError("the request failed after the change")

    with pytest.raises(RuntimeError, match="the request failed after the change"):
        change_then_fail()
    assert written_inside == [1]  # the delivery was written inside the change's transaction
    assert ChangeEvent.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0


def test_each_endpoint_gets_the_kinds_it_subscribes_to_and_an_inactive_one_nothing(db, allow_private, editor):
    every = services.webhook_endpoint_create(
        url="http://127.0.0.1:9/a", event_types=["withdrawn", "published"], by=None
    )
    withdrawals = services.webhook_endpoint_create(url="http://127.0.0.1:9/b", event_types=["withdrawn"], by=None)
    services.webhook_endpoint_create(url="http://127.0.0.1:9/c", event_types=["published"], by=None, active=False)
    claim = verify(editor, ClaimFactory())
    services.claim_transition(claim=claim, to="in_review", by=editor, note="A new budget paper came out.")
    sent = sorted(
        (d.endpoint.url[-1], d.event.kind) for d in WebhookDelivery.objects.select_related("endpoint", "event")
    )
    assert sent == [("a", "published"), ("a", "withdrawn"), ("b", "withdrawn")]
    assert every.event_types == ["published", "withdrawn"]  # stored in one order, whatever order they came in
    assert withdrawals.event_types == ["withdrawn"]


def test_an_endpoint_with_no_known_event_type_is_refused(db, allow_private):
    with pytest.raises(ValidationError) as caught:
        services.webhook_endpoint_create(url="http://127.0.0.1:9/a", event_types=["deleted"], by=None)
    assert caught.value.message_dict == {
        "event_types": ["Event types must be one or more of published, updated, withdrawn, got ['deleted']."]
    }


def test_registering_an_endpoint_on_a_private_address_is_refused_by_the_service(db):
    with pytest.raises(ValidationError) as caught:
        services.webhook_endpoint_create(url="http://10.0.0.5/hooks", event_types=["published"], by=None)
    assert caught.value.message_dict == {
        "url": [
            "The webhook host 10.0.0.5 resolves to 10.0.0.5, a private address; webhooks are sent only to public "
            "addresses."
        ]
    }
    assert WebhookEndpoint.objects.count() == 0


# -- one attempt ---------------------------------------------------------------------------------


def answering(status: int | None, calls: list | None = None):
    def post(url, *, body, headers, timeout):
        if calls is not None:
            calls.append({"url": url, "body": body, "headers": headers, "timeout": timeout})
        return webhooks.Answer(status, "" if status and status < 300 else f"HTTP {status}; expected a 2xx answer", 12)

    return post


@pytest.fixture
def delivery(endpoint, editor):
    verify(editor, ClaimFactory())
    return WebhookDelivery.objects.get()


def test_a_2xx_answer_marks_the_delivery_delivered_and_logs_the_attempt(delivery):
    calls = []
    outcome = services.webhook_delivery_attempt(delivery_id=delivery.pk, post=answering(204, calls))
    assert outcome == services.DeliveryOutcome("delivered")
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code, delivery.locked_until) == (
        "delivered", 1, 204, None
    )  # fmt: skip
    assert delivery.delivered_at is not None
    assert list(DeliveryAttempt.objects.values_list("status_code", "error", "duration_ms")) == [(204, "", 12)]
    (call,) = calls
    assert Webhook(delivery.endpoint.secret).verify(call["body"], call["headers"]) == delivery.payload
    assert call["headers"]["webhook-id"] == delivery.msg_id
    assert call["timeout"] == 10


def test_a_failed_attempt_is_due_again_after_the_schedules_wait_and_failed_once_it_is_spent(delivery, settings):
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "WEBHOOK_RETRY_SCHEDULE": "5s 5m"}
    before = timezone.now()
    outcome = services.webhook_delivery_attempt(delivery_id=delivery.pk, post=answering(500))
    delivery.refresh_from_db()
    assert outcome.outcome == "retry"
    assert outcome.run_again_at == delivery.next_attempt_at
    assert before + timedelta(seconds=5) <= delivery.next_attempt_at <= timezone.now() + timedelta(seconds=5.5)
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 500; expected a 2xx answer")
    assert services.webhook_delivery_attempt(delivery_id=delivery.pk, post=answering(500)).outcome == "not_due"
    for expected in ("retry", "failed"):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert services.webhook_delivery_attempt(delivery_id=delivery.pk, post=answering(503)).outcome == expected
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", 3)
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 3


def test_a_delivery_another_worker_holds_is_not_sent_until_its_lease_runs_out(delivery):
    held = timezone.now() + timedelta(seconds=30)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(locked_until=held)
    calls = []
    outcome = services.webhook_delivery_attempt(delivery_id=delivery.pk, post=answering(204, calls))
    assert outcome == services.DeliveryOutcome("leased", run_again_at=held + timedelta(seconds=1))
    assert calls == []
    WebhookDelivery.objects.filter(pk=delivery.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert services.webhook_delivery_attempt(delivery_id=delivery.pk, post=answering(204, calls)).outcome == "delivered"


def test_an_endpoint_whose_address_became_private_is_not_sent_to(delivery, settings):
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "WEBHOOK_ALLOW_PRIVATE": False}
    calls = []
    assert services.webhook_delivery_attempt(delivery_id=delivery.pk, post=answering(204, calls)).outcome == "retry"
    assert calls == []
    assert DeliveryAttempt.objects.get().error == (
        "not sent: The webhook host 127.0.0.1 resolves to 127.0.0.1, a loopback address; webhooks are sent only to "
        "public addresses."
    )


def test_a_delivery_that_cannot_be_signed_is_a_failed_attempt_saying_why_not_a_crash(delivery):
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(secret="whsec_")
    calls = []
    assert services.webhook_delivery_attempt(delivery_id=delivery.pk, post=answering(204, calls)).outcome == "retry"
    assert calls == []
    assert DeliveryAttempt.objects.get().error == "not sent: EmptyWebhookSecretError: webhook secret may not be empty"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.locked_until) == ("pending", 1, None)


def test_the_worker_delivers_on_commit_to_a_real_receiver_until_it_answers(
    transactional_db, allow_private, editor, settings
):
    """Huey in immediate mode (the tests' setting): the first attempt runs when the change commits,
    the retries when the test runs what the schedule queued."""
    from claims import tasks

    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "WEBHOOK_RETRY_SCHEDULE": "1s 1s 1s"}
    with Receiver(fail_first=2) as receiver:
        endpoint = services.webhook_endpoint_create(url=receiver.url, event_types=["published"], by=editor)
        verify(editor, ClaimFactory())
        (delivery,) = WebhookDelivery.objects.all()
        for _ in range(2):
            time.sleep(1.2)
            tasks.sweep()  # runs what is due (immediate mode has no scheduler of its own)
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("delivered", 3)
        assert receiver.failures_answered == 2
        assert [r["headers"]["webhook-id"] for r in receiver.requests] == [delivery.msg_id] * 3
        for request in receiver.requests:
            assert Webhook(endpoint.secret).verify(request["body"], request["headers"]) == delivery.payload
        assert list(DeliveryAttempt.objects.order_by("pk").values_list("status_code", flat=True)) == [500, 500, 204]


# -- the admin -----------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(username="admin", is_superuser=True))
    return client


def test_an_administrator_registers_an_endpoint_and_reads_its_secret_on_its_page(superuser_client, allow_private):
    response = superuser_client.post(
        reverse("admin:claims_webhookendpoint_add"),
        {
            "url": "http://127.0.0.1:8001/hooks",
            "description": "Newsroom mirror",
            "event_types": ["published", "withdrawn"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.url, endpoint.description, endpoint.event_types, endpoint.active) == (
        "http://127.0.0.1:8001/hooks", "Newsroom mirror", ["published", "withdrawn"], True
    )  # fmt: skip
    assert endpoint.created_by.username == "admin"
    page = superuser_client.get(reverse("admin:claims_webhookendpoint_change", args=[endpoint.pk])).content.decode()
    assert f'<div class="readonly">{endpoint.secret}</div>' in page
    assert 'name="secret"' not in page  # shown, never edited


def test_the_admin_form_refuses_a_private_address_with_the_reason(superuser_client):
    response = superuser_client.post(
        reverse("admin:claims_webhookendpoint_add"), {"url": "http://192.168.1.20/hooks", "event_types": ["published"]}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "url": [
            "The webhook host 192.168.1.20 resolves to 192.168.1.20, a private address; webhooks are sent only to "
            "public addresses."
        ]
    }
    assert WebhookEndpoint.objects.count() == 0


def test_an_editor_without_the_webhook_permissions_cannot_see_or_register_endpoints(editor_client):
    assert editor_client.get(reverse("admin:claims_webhookendpoint_add")).status_code == 403
    assert editor_client.get(reverse("admin:claims_webhookendpoint_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:claims_webhookdelivery_changelist")).status_code == 403


def test_a_delivery_page_shows_its_log_and_nothing_to_edit(superuser_client, delivery):
    services.webhook_delivery_attempt(delivery_id=delivery.pk, post=answering(500))
    page = superuser_client.get(reverse("admin:claims_webhookdelivery_change", args=[delivery.pk])).content.decode()
    assert "Delivery log" in page
    assert "HTTP 500; expected a 2xx answer" in page
    assert delivery.msg_id in page
    assert "<input" not in re.sub(r'<input type="(hidden|submit)"[^>]*>', "", page.split('id="content"')[1])
    changelist = superuser_client.get(reverse("admin:claims_webhookdelivery_changelist") + "?state=pending")
    assert [d.pk for d in changelist.context["cl"].result_list] == [delivery.pk]


def test_send_again_makes_failed_deliveries_pending_due_now_and_sends_them(
    superuser_client, delivery, monkeypatch, django_capture_on_commit_callbacks
):
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state="failed", attempts=8, last_status_code=500)
    calls = []
    monkeypatch.setattr(webhooks, "post", answering(204, calls))
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse("admin:claims_webhookdelivery_changelist"),
            {"action": "send_again", "_selected_action": [delivery.pk]},
            follow=True,
        )
    assert [str(m) for m in response.context["messages"]] == ["1 delivery will be sent again now."]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)
    assert [c["headers"]["webhook-id"] for c in calls] == [delivery.msg_id]


# -- the proof: a real receiver, a real worker killed mid-delivery, a database restart -------------

PROOF_SETTINGS = {  # short enough for a test under a minute; the lease outlasts the timeout
    "WEBHOOK_RETRY_SCHEDULE": "1s 1s 2s 2s 3s 3s 5s 5s",
    "WEBHOOK_TIMEOUT_SECONDS": 4,
    "WEBHOOK_LEASE_SECONDS": 5,
    "WEBHOOK_ALLOW_PRIVATE": True,
}


def url_of_the_test_database() -> str:
    from django.db import connection

    return f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{connection.settings_dict['NAME']}"


def terminate_other_backends() -> int:
    """pg_terminate_backend on every other connection to the test database, as a restart would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def worker_environment(queue: Path, **database: str) -> dict[str, str]:
    """The environment of a process run as production runs it, on ``database`` and a SQLite queue file."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",  # not the tests' settings: a real queue, not immediate mode
        "HUEY_SQLITE_PATH": str(queue),
        "DEBUG": "0",
        **{f"CLAIMBOOK_{name}": str(value).lower() if value is True else str(value)
           for name, value in PROOF_SETTINGS.items()},
        **database,
    }  # fmt: skip
    env.pop("REDIS_URL", None)
    return env


class Worker:
    """``manage.py run_huey`` with the environment it is given."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", "2", "--worker-type", "thread"],
            cwd=ROOT, env=self.env, stdout=self.log.open("a"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds:g} s for {what}")
        time.sleep(0.1)


@pytest.mark.postgres
def test_every_event_arrives_through_failures_a_killed_worker_and_a_database_restart(
    transactional_db, editor, settings, monkeypatch, tmp_path, record_property
):
    from django.db import connection
    from huey.contrib.djhuey import HUEY
    from huey.storage import SqliteStorage

    started = time.monotonic()
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, **PROOF_SETTINGS}
    queue = tmp_path / "queue.sqlite3"
    monkeypatch.setattr(HUEY, "storage", SqliteStorage(HUEY.name, filename=str(queue)))  # what the worker reads
    monkeypatch.setattr(HUEY, "_immediate", False)
    worker = Worker(worker_environment(queue, DATABASE_URL=url_of_the_test_database()), tmp_path / "worker.log")
    claims = [ClaimFactory(status=Claim.Status.IN_REVIEW) for _ in range(8)]

    def publish(claim: Claim) -> None:
        services.claim_transition(claim=claim, to="verified", by=editor, note="Matches the ministry's paper.")

    # The receiver fails its first three answers and holds the fifth request open (the worker is killed then).
    with Receiver(fail_first=3, hold_request=5, hold_seconds=20) as receiver:
        endpoint = services.webhook_endpoint_create(url=receiver.url, event_types=list(webhooks.EVENT_TYPES), by=editor)
        try:
            worker.start()
            for claim in claims[:4]:
                publish(claim)
            assert receiver.holding.wait(timeout=20), "the fifth request never came"
            worker.kill()  # SIGKILL in the middle of a delivery: its task is gone, its lease stays
            killed_at = time.monotonic()
            held_id = receiver.requests[4]["headers"]["webhook-id"]

            # While no worker runs, editors go on: an update (rationale), a withdrawal, a new verdict.
            services.claim_update(claim=claims[0], by=editor, data={"rationale": "The budget paper, page 4."})
            services.claim_transition(claim=claims[1], to="in_review", by=editor, note="A new budget paper came out.")
            publish(claims[4])
            worker.start()
            wait_for(lambda: WebhookDelivery.objects.filter(state="pending").count() == 0, seconds=25,
                     what="the restarted worker to deliver the backlog")  # fmt: skip
            recovered_after = time.monotonic() - killed_at

            # The database restarts while deliveries are pending (the receiver fails the next two answers).
            receiver.fail_first = len(receiver.requests) + 2
            for claim in claims[5:8]:
                publish(claim)
            wait_for(lambda: receiver.failures_answered >= 5, seconds=15, what="the two failed answers")
            terminated = terminate_other_backends()
            connection.close()
            wait_for(lambda: WebhookDelivery.objects.filter(state="pending").count() == 0, seconds=25,
                     what="every delivery after the database restart")  # fmt: skip
        finally:
            worker.stop()

    events = list(ChangeEvent.objects.order_by("seq"))
    deliveries = {d.msg_id: d for d in WebhookDelivery.objects.select_related("event")}
    by_id: dict[str, list[dict]] = {}
    for request in receiver.requests:
        payload = Webhook(endpoint.secret).verify(request["body"], request["headers"])  # every signature verifies
        by_id.setdefault(request["headers"]["webhook-id"], []).append(payload)
    # Every event arrived, each under the webhook-id of its one delivery; a repeat is the same message.
    assert sorted(payloads[0]["data"]["seq"] for payloads in by_id.values()) == [event.seq for event in events]
    assert set(by_id) == set(deliveries)
    for msg_id, payloads in by_id.items():
        assert all(payload == deliveries[msg_id].payload for payload in payloads)
    assert len(by_id[held_id]) >= 2  # the delivery the killed worker held was sent again, same webhook-id
    assert {d.state for d in deliveries.values()} == {"delivered"}
    assert [event.kind for event in events].count("withdrawn") == 1
    assert [event.kind for event in events].count("updated") == 1

    counts = {
        "events": len(events),
        "requests": len(receiver.requests),
        "webhook_ids": len(by_id),
        "ids_received_more_than_once": sum(len(p) > 1 for p in by_id.values()),
        "duplicate_requests": len(receiver.requests) - len(by_id),
        "failures_answered": receiver.failures_answered,
        "left_unanswered_by_the_killed_worker": 1,
        "connections_terminated": terminated,
        "worker_tasks_cut_off_by_the_restart": worker.log.read_text().count("Unhandled exception in task"),
        "recovered_after_kill_s": round(recovered_after, 1),
        "total_s": round(time.monotonic() - started, 1),
    }
    record_property("webhook_delivery", counts)
    print("webhook delivery proof:", json.dumps(counts))
    assert counts["total_s"] < 60


SETUP_DEMO_LIKE = """
from django.contrib.auth.models import User
from claims import services
from tests.factories import ClaimFactory
editor = User.objects.create(username="editor")
services.webhook_endpoint_create(url={url!r}, event_types=["published", "updated", "withdrawn"], by=editor)
for _ in range(6):
    ClaimFactory(status="in_review")
"""
EDIT = """
from django.contrib.auth.models import User
from claims import services
from claims.models import Claim
editor = User.objects.get(username="editor")
for pk, to in {changes!r}:
    claim = Claim.objects.get(pk=pk)
    if to == "rationale":
        services.claim_update(claim=claim, by=editor, data={{"rationale": "The budget paper, page 4."}})
    else:
        services.claim_transition(claim=claim, to=to, by=editor, note="Checked against the ministry's paper.")
"""


def test_on_sqlite_as_in_the_demo_every_event_arrives_through_failures_and_a_killed_worker(tmp_path, record_property):
    """The demo's set-up: SQLite for the data and the queue, editors' changes made by another process
    than the worker. (SQLite has no server to restart: that part is PostgreSQL's test above.)"""
    import sqlite3

    started = time.monotonic()
    database = tmp_path / "db.sqlite3"
    env = worker_environment(tmp_path / "queue.sqlite3", DATABASE_URL="", SQLITE_PATH=str(database))

    def manage(*args: str) -> None:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr

    def read(sql: str) -> list[tuple]:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as db:
            return db.execute(sql).fetchall()

    def pending() -> int:
        return read("SELECT count(*) FROM claims_webhookdelivery WHERE state = 'pending'")[0][0]

    manage("migrate", "--noinput")
    worker = Worker(env, tmp_path / "worker.log")
    with Receiver(fail_first=3, hold_request=5, hold_seconds=20) as receiver:
        manage("shell", "-c", SETUP_DEMO_LIKE.format(url=receiver.url))
        try:
            worker.start()
            manage("shell", "-c", EDIT.format(changes=[(pk, "verified") for pk in (1, 2, 3, 4)]))
            assert receiver.holding.wait(timeout=25), "the fifth request never came"
            worker.kill()
            killed_at = time.monotonic()
            held_id = receiver.requests[4]["headers"]["webhook-id"]
            manage("shell", "-c", EDIT.format(changes=[(1, "rationale"), (2, "in_review"), (5, "verified")]))
            worker.start()
            wait_for(lambda: pending() == 0, seconds=25, what="the restarted worker to deliver every event")
            recovered_after = time.monotonic() - killed_at
        finally:
            worker.stop()

    (secret,) = read("SELECT secret FROM claims_webhookendpoint")[0]
    seqs = [seq for (seq,) in read("SELECT seq FROM claims_changeevent ORDER BY seq")]
    deliveries = {
        msg_id: json.loads(payload) for msg_id, payload in read("SELECT msg_id, payload FROM claims_webhookdelivery")
    }
    by_id: dict[str, list[dict]] = {}
    for request in receiver.requests:
        payload = Webhook(secret).verify(request["body"], request["headers"])
        by_id.setdefault(request["headers"]["webhook-id"], []).append(payload)
    assert len(seqs) == 7  # four verdicts published, an update, a withdrawal, a fifth verdict
    assert sorted(payloads[0]["data"]["seq"] for payloads in by_id.values()) == seqs
    assert set(by_id) == set(deliveries)
    for msg_id, payloads in by_id.items():
        assert all(payload == deliveries[msg_id] for payload in payloads)
    assert len(by_id[held_id]) >= 2
    assert read("SELECT DISTINCT state FROM claims_webhookdelivery") == [("delivered",)]
    counts = {
        "events": len(seqs),
        "requests": len(receiver.requests),
        "webhook_ids": len(by_id),
        "duplicate_requests": len(receiver.requests) - len(by_id),
        "failures_answered": receiver.failures_answered,
        "recovered_after_kill_s": round(recovered_after, 1),
        "total_s": round(time.monotonic() - started, 1),
    }
    record_property("webhook_delivery_sqlite", counts)
    print("webhook delivery proof on SQLite:", json.dumps(counts))
    assert counts["total_s"] < 60


# -- backups ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("include_secrets", [False, True], ids=["default", "include-secrets"])
def test_a_backup_holds_an_endpoints_signing_secret_only_with_include_secrets(delivery, tmp_path, include_secrets):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "claimbook.xml"
    out, err = StringIO(), StringIO()
    call_command("backup", str(path), *(["--include-secrets"] if include_secrets else []), stdout=out, stderr=err)
    written = path.read_text(encoding="utf-8")
    assert (delivery.endpoint.secret in written, delivery.msg_id in written) == (include_secrets, include_secrets)
    assert 'model="claims.changeevent"' in written  # the feed itself is no secret
    if include_secrets:
        assert err.getvalue() == (
            f"{path} holds password hashes, API tokens and webhook signing secrets: "
            "keep it where only you can read it.\n"
        )
    else:
        assert out.getvalue().splitlines()[-1] == (
            "The webhook endpoint and its deliveries are not in it either (each endpoint holds its signing secret): "
            "register them again after a restore, or back up with --include-secrets."
        )
