"""Concurrent workers on one run must never deadlock in PostgreSQL.

CI once saw two worker processes finishing sibling stages (audio and motion) at the same
moment: one claimed its stage (stage row, then run row) while the other advanced the run
(run row, then stage rows), and PostgreSQL killed one as a deadlock victim, leaving the run
stuck. Every transaction now locks the run row first; this test hammers claim and advance
from several threads on the real database.
"""

from __future__ import annotations

import threading

from django.db import connection, transaction
from django.utils import timezone

from capsules.models import PipelineRun, StageRun
from capsules.pipeline.workflow import STAGES, _advance, _claim, advance
from tests import factories

# Real commits, so that the threads' connections see each other's rows (see conftest: serialized rollback).

SIBLINGS = ("transcode", "audio", "motion")


def _run_with_siblings_queued() -> PipelineRun:
    footage = factories.FootageFactory()
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.RUNNING, started_at=timezone.now())
    StageRun.objects.bulk_create([StageRun(run=run, name=spec.name) for spec in STAGES])
    run.stages.filter(name="ingest").update(status=StageRun.Status.SUCCEEDED)
    return run


def _hammer(run: PipelineRun, claim_fn, advance_fn, rounds: int, barrier_timeout: float = 30) -> list[str]:
    """Three threads claim sibling stages while two advance the run, ``rounds`` times over.

    Returns every problem: an exception in an action, a barrier broken (an action that hung or
    failed elsewhere), a thread still running at the end, or a thread that did not finish all rounds.
    """
    ids = dict(run.stages.values_list("name", "pk"))
    problems: list[str] = []
    barrier = threading.Barrier(len(SIBLINGS) + 2)
    done = [0] * (len(SIBLINGS) + 2)

    def worker(index, action):
        try:
            for _ in range(rounds):
                barrier.wait(timeout=barrier_timeout)
                action()
                barrier.wait(timeout=barrier_timeout)
                done[index] += 1
        except threading.BrokenBarrierError:
            problems.append(f"thread {index}: barrier broken after {done[index]} rounds")
        except BaseException as exc:  # noqa: BLE001 - collected and reported by the test
            problems.append(f"thread {index}: {exc!r}")
            barrier.abort()
        finally:
            connection.close()

    def reset():
        # Between rounds one thread puts the siblings back in the queue (nothing becomes ready to enqueue),
        # keeping the production lock order: run row, then stage rows.
        with transaction.atomic():
            list(PipelineRun.objects.select_for_update().filter(pk=run.pk).values_list("pk", flat=True))
            StageRun.objects.filter(pk__in=[ids[n] for n in SIBLINGS]).update(
                status=StageRun.Status.QUEUED, worker="")

    reset()
    actions = [lambda n=n: claim_fn(ids[n]) for n in SIBLINGS]
    actions += [lambda: advance_fn(run.pk), lambda: (advance_fn(run.pk), reset())]
    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    problems += [f"thread {i} still running" for i, t in enumerate(threads) if t.is_alive()]
    problems += [f"thread {i}: {n} of {rounds} rounds" for i, n in enumerate(done) if n != rounds]
    return problems


def test_claim_and_advance_lock_in_the_same_order(transactional_db):
    """Without the retry wrapper: the lock order alone must avoid every deadlock, in every round."""
    run = _run_with_siblings_queued()
    problems = _hammer(run, _claim, _advance, rounds=40)
    assert not problems, problems[:5]
    assert set(run.stages.filter(name__in=SIBLINGS).values_list("status", flat=True)) <= {
        StageRun.Status.QUEUED, StageRun.Status.RUNNING}


def test_the_hammer_reports_a_thread_that_hangs(transactional_db):
    """The harness itself: an action stuck past the barrier's timeout breaks the barrier for all;
    that is reported (it used to be swallowed, and the test passed with rounds missing)."""
    import time

    run = _run_with_siblings_queued()
    calls = []

    def slow_claim(stage_id):
        calls.append(stage_id)
        if len(calls) == 4:
            time.sleep(1.5)
        return _claim(stage_id)

    problems = _hammer(run, slow_claim, _advance, rounds=3, barrier_timeout=0.5)
    assert any("barrier broken" in p for p in problems), problems
    assert any("of 3 rounds" in p for p in problems), problems


def test_advance_is_idempotent_and_closes_a_finished_run(transactional_db):
    run = _run_with_siblings_queued()
    run.stages.update(status=StageRun.Status.SUCCEEDED)
    advance(run.pk)
    advance(run.pk)
    run.refresh_from_db()
    assert run.status == PipelineRun.Status.SUCCEEDED and run.finished_at is not None


def test_worker_start_moves_on_a_run_whose_advance_was_lost(transactional_db):
    """The worker died between saving its stage and advancing the run: recovery finishes the run."""
    from capsules.pipeline.workflow import recover_interrupted

    run = _run_with_siblings_queued()
    run.stages.update(status=StageRun.Status.SUCCEEDED)
    assert recover_interrupted() == []
    run.refresh_from_db()
    assert run.status == PipelineRun.Status.SUCCEEDED


def test_broker_down_at_upload_keeps_the_footage_and_the_stage_is_sent_later(transactional_db, monkeypatch):
    """The broker is unreachable when a run starts (the fault is simulated: stopping the shared
    Redis would break every other test). The upload still succeeds, the first stage stays queued,
    and the recovery every starting worker runs sends it."""
    from kombu.exceptions import OperationalError as BrokerDown

    from capsules.pipeline.workflow import recover_interrupted, start_run
    from cms.celery import app

    def down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app, "send_task", down)
    run = start_run(factories.FootageFactory())  # on_commit runs at once in a transactional test
    ingest = run.stages.get(name="ingest")
    assert ingest.status == StageRun.Status.QUEUED and ingest.task_id == ""

    monkeypatch.undo()
    from tests.worker import purge_broker

    try:
        assert ingest.pk in recover_interrupted()
        ingest.refresh_from_db()
        assert ingest.task_id, "sent to the real broker this time"
    finally:
        purge_broker()
