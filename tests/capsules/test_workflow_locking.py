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


def _hammer(run: PipelineRun, claim_fn, advance_fn, rounds: int) -> list[BaseException]:
    """Three threads claim sibling stages while two advance the run, ``rounds`` times over."""
    ids = dict(run.stages.values_list("name", "pk"))
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(SIBLINGS) + 2)

    def worker(action):
        try:
            for _ in range(rounds):
                barrier.wait(timeout=30)
                action()
                barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            pass
        except BaseException as exc:  # noqa: BLE001 - collected and reported by the test
            errors.append(exc)
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
    threads = [threading.Thread(target=worker, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_claim_and_advance_lock_in_the_same_order(transactional_db):
    """Without the retry wrapper: the lock order alone must avoid every deadlock."""
    run = _run_with_siblings_queued()
    errors = _hammer(run, _claim, _advance, rounds=40)
    assert not errors, errors[:3]
    assert set(run.stages.filter(name__in=SIBLINGS).values_list("status", flat=True)) <= {
        StageRun.Status.QUEUED, StageRun.Status.RUNNING}


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
