"""The worker's tasks (Huey, ``manage.py run_huey``): deliver one webhook, and sweep the outbox.

A task carries only a delivery's id; the outbox row is the truth. Huey takes a task off the queue
before running it, so a worker killed mid-delivery loses that task: the sweep, every minute and
whenever a worker starts, enqueues again every pending delivery that falls due before the next
sweep (a held lease is waited out), and the lease keeps a delivery enqueued twice from being sent
twice at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from . import services
from .models import WebhookDelivery

# How far ahead the sweep looks: one sweep interval, so nothing falls due unseen between two sweeps.
SWEEP_AHEAD = timedelta(minutes=1)


# Retried after a database error (a restarted database drops the worker's connections): the lease,
# if it was taken, is waited out by the retry (services.webhook_delivery_attempt says when).
@db_task(retries=5, retry_delay=2)
def deliver(delivery_id: int) -> str:
    outcome = services.webhook_delivery_attempt(delivery_id=delivery_id)
    if outcome.run_again_at is not None:
        enqueue([(delivery_id, outcome.run_again_at)])
    return outcome.outcome


def enqueue(deliveries: list[tuple[int, datetime]]) -> None:
    """Queue each delivery to run at its time (at once when that has passed)."""
    now = timezone.now()
    for delivery_id, at in deliveries:
        if at <= now:
            deliver(delivery_id)
        else:
            deliver.schedule(args=(delivery_id,), eta=at)


def sweep() -> int:
    """Enqueue every pending delivery due before the next sweep; returns how many."""
    now = timezone.now()
    due = (
        WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now + SWEEP_AHEAD)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "next_attempt_at", "locked_until")
    )
    rows = [(pk, max(at, held + timedelta(seconds=1)) if held is not None else at) for pk, at, held in due]
    enqueue(rows)
    return len(rows)


@db_periodic_task(crontab(minute="*"))
def sweep_outbox() -> int:
    return sweep()


@on_startup()
def sweep_on_startup() -> None:
    """A worker starting (after a crash, a deploy or a database restart) picks up what was left."""
    from django.db import close_old_connections

    sweep()
    close_old_connections()
