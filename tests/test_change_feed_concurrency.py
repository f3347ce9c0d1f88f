"""PostgreSQL-only: the change feed skips no event while editors commit at once.

A sequence number is taken before commit, so without care a transaction that took 7 can commit
after one that took 8: a consumer reading in between moves its cursor to 8 and never sees 7.
``claims.publishing`` makes each event writer wait for the previous one to commit. The first
test holds one writer's transaction open after it wrote its events and shows the second writer
waits and the reader never skips; it also shows that, without the wait, the reader does skip
(so the test can fail). The second runs parallel writers against a reader polling the feed.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from claims import publishing, services, workflow
from claims.models import ChangeEvent, Claim
from tests.factories import ClaimFactory, SourceFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def claims_in_review(count: int, editor) -> list[int]:
    ids = []
    for _ in range(count):
        claim = ClaimFactory(source=SourceFactory())
        ids.append(services.claim_transition(claim=claim, to=workflow.Status.IN_REVIEW, by=editor).pk)
    return ids


def read(after: int) -> list[int]:
    return [event.seq for event in publishing.events_after(after, 1000)]


def interleave(editor, first_id: int, second_id: int) -> tuple[list[int], bool]:
    """Writer A writes its events and holds its transaction open; writer B then verifies another
    claim; a reader reads, A commits, the reader reads on from its cursor. Returns the seqs the
    reader saw and whether B had finished before A committed."""
    a_wrote, a_may_commit, b_done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer_a() -> None:
        try:
            with transaction.atomic():
                claim = Claim.objects.get(pk=first_id)
                services.claim_transition(claim=claim, to=workflow.Status.VERIFIED, by=editor, note="A checked it.")
                a_wrote.set()
                a_may_commit.wait(10)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    def writer_b() -> None:
        try:
            claim = Claim.objects.get(pk=second_id)
            services.claim_transition(claim=claim, to=workflow.Status.VERIFIED, by=editor, note="B checked it.")
            b_done.set()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    a, b = threading.Thread(target=writer_a), threading.Thread(target=writer_b)
    a.start()
    assert a_wrote.wait(10)
    b.start()
    b_done.wait(1.0)  # B commits at once unless it must wait for A
    b_finished_first = b_done.is_set()
    seen = read(0)
    cursor = seen[-1] if seen else 0
    a_may_commit.set()
    a.join(10)
    b.join(10)
    assert not errors, errors
    seen += read(cursor)
    return seen, b_finished_first


def test_a_writer_waits_for_an_earlier_writer_to_commit_so_the_reader_skips_nothing(editor):
    first_id, second_id = claims_in_review(2, editor)
    seen, b_finished_first = interleave(editor, first_id, second_id)
    assert b_finished_first is False
    everything = list(ChangeEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert len(everything) == 2
    assert seen == everything


def test_without_waiting_for_earlier_writers_a_reader_would_skip_an_event(editor, monkeypatch):
    monkeypatch.setattr(publishing, "_serialize_writers", lambda: None)
    first_id, second_id = claims_in_review(2, editor)
    seen, b_finished_first = interleave(editor, first_id, second_id)
    everything = list(ChangeEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert b_finished_first is True
    assert len(everything) == 2
    assert seen == everything[1:]  # A's event, committed after B's, was skipped


WRITERS, CLAIMS_EACH, ROUNDS = 4, 5, 4


def test_parallel_writers_and_a_polling_reader_lose_no_event(editor):
    ids = claims_in_review(WRITERS * CLAIMS_EACH, editor)
    start = threading.Barrier(WRITERS + 1)
    stop = threading.Event()
    errors: list[BaseException] = []
    seen: list[int] = []

    def writer(mine: list[int]) -> None:
        try:
            start.wait()
            for round_ in range(ROUNDS):
                for pk in mine:
                    claim = Claim.objects.get(pk=pk)
                    to = workflow.Status.IN_REVIEW if claim.status in workflow.PUBLIC else workflow.Status.VERIFIED
                    services.claim_transition(claim=claim, to=to, by=editor, note=f"Round {round_}.")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def reader() -> None:
        try:
            cursor = 0
            start.wait()
            while True:
                finished = stop.is_set()
                batch = read(cursor)
                seen.extend(batch)
                if batch:
                    cursor = batch[-1]
                if finished and not batch:
                    return
                time.sleep(0.002)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    writers = [threading.Thread(target=writer, args=(ids[i::WRITERS],)) for i in range(WRITERS)]
    polling = threading.Thread(target=reader)
    for thread in [*writers, polling]:
        thread.start()
    for thread in writers:
        thread.join(120)
    stop.set()
    polling.join(30)
    assert not errors, errors
    everything = list(ChangeEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert len(everything) == WRITERS * CLAIMS_EACH * ROUNDS
    assert seen == everything
