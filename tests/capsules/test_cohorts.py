"""Cohorts: a trainer sees only their cohorts; indicators on a seeded cohort match hand-computed values;
the report costs the same number of queries for 30 and 300 learners; CSV and SVG come out."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capsules.analytics.cohorts import block_report, cohort_report, learner_report, visible_cohorts
from capsules.models import (
    Achievement,
    Attempt,
    BadgeCredential,
    Cohort,
    LearnerEvent,
    PlacementSession,
    PracticeCard,
    PracticeReview,
    Progress,
    Step,
)
from tests import factories, pages

pytestmark = pytest.mark.django_db
START = date(2026, 3, 2)
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def seeded():
    block = factories.SkillsBlockFactory()
    caps, questions = [], []
    for i in range(2):
        footage = factories.FootageFactory(skills_block=block, duration=60.0)
        capsule = factories.CapsuleFactory(footage=footage, skills_block=block, order=i, title=f"Capsule {i + 1}")
        pages.capsule_page(capsule)
        caps.append(capsule)
        first, second = (Step.objects.create(footage=footage, order=j, start=30.0 * j, end=30.0 * (j + 1),
                                             title=f"Geste {i + 1}.{j + 1}", approved=True) for j in range(2))
        # capsule 1's question has no step: it counts for the step whose span holds its time (5 s);
        # capsule 2's question names its step (the second one).
        questions.append(factories.InteractionFactory(capsule=capsule, step=second if i else None))
    t1, t2 = (factories.UserFactory(groups=["Trainers"]) for _ in range(2))
    l1, l2, l3, l4 = (factories.learner() for _ in range(4))
    mine = Cohort.objects.create(name="Session de mars", skills_block=block, start_date=START,
                                 end_date=START + timedelta(days=27))
    mine.trainers.add(t1)
    mine.learners.add(l1, l2, l3)
    other = Cohort.objects.create(name="Session d'avril", skills_block=block, start_date=date(2026, 4, 1),
                                  end_date=date(2026, 4, 30))
    other.trainers.add(t2)
    other.learners.add(l4)

    day = datetime(2026, 3, 3, 10, tzinfo=UTC)
    # L1 trains both capsules (120 s played), q1 right first, q2 wrong then right; holds the badge.
    for capsule in caps:
        Progress.objects.create(user=l1, capsule=capsule, watched=[[0, 60]], watched_fraction=1, completed=True,
                                completed_at=day + timedelta(days=capsule.order * 7))
    Attempt.objects.create(user=l1, interaction=questions[0], correct=True, score=1, answered_at=day)
    Attempt.objects.create(user=l1, interaction=questions[1], correct=False, score=0, answered_at=day)
    Attempt.objects.create(user=l1, interaction=questions[1], correct=True, score=1,
                           answered_at=day + timedelta(minutes=1))
    achievement = Achievement.objects.create(skills_block=block, name="Plomberie", description="d",
                                             criteria_narrative="c")
    BadgeCredential.objects.create(achievement=achievement, user=l1, status_index=1, document={}, issued_at=day)
    # L2 is placed: capsule 1 acquired; trains capsule 2 (48 s played), q2 right first.
    PlacementSession.objects.create(user=l2, skills_block=block, started_at=day, finished_at=day,
                                    acquired_capsule_ids=[caps[0].pk])
    Progress.objects.create(user=l2, capsule=caps[1], watched=[[0, 48]], watched_fraction=0.9, completed=True,
                            completed_at=day)
    Attempt.objects.create(user=l2, interaction=questions[1], correct=True, score=1, answered_at=day)
    # L1 practises: right after 8 days, wrong after 10, right after 31.
    card = PracticeCard.objects.create(user=l1, interaction=questions[0], due=NOW, created_at=day,
                                       last_review=day, stability=3.0, difficulty=5.0, state=2)
    for elapsed, correct in [(8, True), (10, False), (31, True)]:
        PracticeReview.objects.create(card=card, user=l1, rating=3 if correct else 1, correct=correct,
                                      elapsed_days=elapsed, reviewed_at=day, client_id=uuid.uuid4())
    # L4 (other cohort) must count nowhere in mine.
    Progress.objects.create(user=l4, capsule=caps[0], watched=[[0, 60]], watched_fraction=1, completed=True,
                            completed_at=day)
    return {"block": block, "caps": caps, "mine": mine, "other": other, "t1": t1, "t2": t2,
            "learners": (l1, l2, l3, l4), "questions": questions}


def test_indicators_match_hand_computed_values(seeded):
    report = cohort_report(seeded["mine"], now=NOW)
    l1, l2, l3, _l4 = seeded["learners"]
    rows = {r.user_id: r for r in report.learners}
    assert set(rows) == {l1.pk, l2.pk, l3.pk}
    assert (rows[l1.pk].completed, rows[l1.pk].acquired, rows[l1.pk].percent) == (2, 0, 100)
    assert (rows[l2.pk].completed, rows[l2.pk].acquired, rows[l2.pk].percent) == (1, 1, 100)
    assert rows[l3.pk].percent == 0
    assert report.done_percent == 67  # 2 of 3
    assert report.median_learning_minutes == 1.4  # median of 2.0 and 0.8 min (L3 played nothing)
    assert report.saved_minutes_total == 1.0  # L2 skipped capsule 1 (60 s)
    assert [c.first_try_percent for c in report.capsules] == [100, 50]
    assert [(c.completed, c.acquired) for c in report.capsules] == [(1, 1), (2, 0)]
    assert report.retention_7d_percent == 50 and report.retention_30d_percent == 100
    assert report.badge_percent == 33
    assert dict((label, pct) for label, pct, _n in report.retention_curve)["8–14 j"] == 50
    # Weeks from 2 March: L2 done on 3 March (week 1), L1 on 10 March (week 2).
    assert [w.done_learners for w in report.weeks[:3]] == [1, 2, 2]
    assert [w.completions for w in report.weeks[:2]] == [2, 1]
    # Per step: 1.1 holds capsule 1's question (L1 right), 1.2 and 2.1 none, 2.2 has L1 wrong and L2 right.
    assert [(s.title, s.first_tries, s.first_try_percent) for s in report.steps] == [
        ("Geste 1.1", 1, 100), ("Geste 1.2", 0, None), ("Geste 2.1", 0, None), ("Geste 2.2", 2, 50)]


def test_learning_time_is_the_time_spent_not_only_the_video_played(seeded):
    """Walk 39: a learner who looped a step at 0.5x, answered wrong twice and came back the next day read the same
    0.6 min as one who watched the 36-s capsule once: learning time was the video played. It is now the time
    between their consecutive actions (gaps of at most 15 min; a longer one is a break), never less than the
    video played."""
    _l1, l2, _l3, _l4 = seeded["learners"]
    cap = seeded["caps"][1]
    day = datetime(2026, 3, 4, 9, tzinfo=UTC)

    def event(verb, at):
        LearnerEvent.objects.create(user=l2, capsule=cap, verb=verb, timestamp=at, client_id=uuid.uuid4())

    event("played", day)  # the capsule played, a step looped (seeks), two answers, then completed
    for s in (20, 40, 60):
        event("seeked", day + timedelta(seconds=s))
    Attempt.objects.create(user=l2, interaction=seeded["questions"][1], correct=False, score=0,
                           answered_at=day + timedelta(seconds=90))
    event("completed", day + timedelta(seconds=150))
    event("played", day + timedelta(hours=20))  # the next day, after a break that counts nothing
    event("paused", day + timedelta(hours=20, seconds=30))
    row = learner_report(seeded["mine"], l2, now=NOW).learners[0]
    assert row.learning_seconds == pytest.approx(180.0)  # 150 s, then 30 s; 48 s played before
    assert row.learning_minutes == 3.0
    # A gap of an hour between two actions (the tab left open) is a break, not learning.
    event("seeked", day + timedelta(hours=21, seconds=30))
    assert learner_report(seeded["mine"], l2, now=NOW).learners[0].learning_seconds == pytest.approx(180.0)
    # Walk 39b: away 4 min with no Geste page open, then 15 s on the capsule: the 4 min are not learning.
    visit = day + timedelta(hours=21, minutes=4, seconds=30)
    event("initialized", visit)
    event("played", visit + timedelta(seconds=5))
    event("paused", visit + timedelta(seconds=15))
    assert learner_report(seeded["mine"], l2, now=NOW).learners[0].learning_seconds == pytest.approx(195.0)
    # Nor the time before the first practice answer after capsule work (the practice page is another visit);
    # the practice answers' own gaps count.
    card = PracticeCard.objects.create(user=l2, interaction=seeded["questions"][1], due=NOW, created_at=day,
                                       last_review=day, stability=3.0, difficulty=5.0, state=2)
    for s in (300, 320):
        PracticeReview.objects.create(card=card, user=l2, rating=3, correct=True, elapsed_days=8,
                                      reviewed_at=visit + timedelta(seconds=s), client_id=uuid.uuid4())
    assert learner_report(seeded["mine"], l2, now=NOW).learners[0].learning_seconds == pytest.approx(215.0)
    PracticeReview.objects.filter(user=l2).delete()
    # Never less than the video played: a long capsule watched without a pause has only two actions.
    LearnerEvent.objects.filter(user=l2).delete()
    Attempt.objects.filter(user=l2).delete()
    assert learner_report(seeded["mine"], l2, now=NOW).learners[0].learning_seconds == pytest.approx(48.0)


def test_a_question_in_a_gap_between_steps_counts_for_the_step_before_it(seeded):
    """Capsule 1's question (5 s, no step named) lies between 1.1 (now 0-4 s) and 1.2 (now 6-30 s): it
    counts under 1.1, as the player's loop and step list place it (it was counted under no step)."""
    q = seeded["questions"][0]
    assert q.step_id is None and q.time == 5.0
    Step.objects.filter(title="Geste 1.1").update(end=4.0)
    Step.objects.filter(title="Geste 1.2").update(start=6.0)
    report = cohort_report(seeded["mine"], now=NOW)
    assert [(s.title, s.first_tries) for s in report.steps] == [
        ("Geste 1.1", 1), ("Geste 1.2", 0), ("Geste 2.1", 0), ("Geste 2.2", 2)]


def test_block_indicators_cover_every_learner_of_the_block(seeded):
    """The block's learners are L1, L2 (in March's cohort) and L4 (April's); L3 never started."""
    report = block_report(seeded["block"], now=NOW)
    l1, l2, l3, l4 = seeded["learners"]
    assert {r.user_id for r in report.learners} == {l1.pk, l2.pk, l4.pk}
    assert report.cohort is None and report.start == date(2026, 3, 3) and report.end == date(2026, 3, 20)
    assert report.done_percent == 67  # L1 and L2 of 3; L4 did capsule 1 of 2
    assert report.median_learning_minutes == 1.0  # 2.0, 0.8 and 1.0 min
    assert report.learning_spread_minutes == (0.9, 1.5)  # inclusive quartiles of 0.8, 1.0, 2.0
    assert report.saved_minutes_total == 1.0
    assert [c.first_try_percent for c in report.capsules] == [100, 50]
    assert [(c.completed, c.acquired) for c in report.capsules] == [(2, 1), (2, 0)]
    assert [s.first_try_percent for s in report.steps] == [100, None, None, 50]
    assert report.retention_7d_percent == 50 and report.retention_30d_percent == 100
    assert report.badge_percent == 33
    # Weeks from 3 March: L2 and the capsules of L1, L2, L4 in week 1; L1 done on 10 March (week 2).
    assert [w.done_learners for w in report.weeks] == [1, 2, 2]
    assert [w.completions for w in report.weeks] == [3, 1, 0]


def test_block_indicators_screen_and_csv_are_for_designers(seeded):
    block = seeded["block"]
    designer = Client()
    designer.force_login(factories.designer())
    assert reverse("geste_block_indicators", args=[block.pk]) in designer.get(reverse("geste_reports")).content.decode()
    html = designer.get(reverse("geste_block_indicators", args=[block.pk])).content.decode()
    assert "<svg" in html and "Geste 2.2" in html and "Courbe de rétention" in html
    assert f"<td>{seeded['learners'][3].username}</td>" in html
    assert f"<td>{seeded['learners'][2].username}</td>" not in html
    text = designer.get(reverse("geste_block_indicators_csv", args=[block.pk])).content.decode("utf-8-sig")
    assert "Réussite au premier essai (%) — Capsule 2 — étape «\u00a0Geste 2.2\u00a0»;50" in text
    assert "Réussite au premier essai (%) — Capsule 1;100" in text and "Bloc terminé (%);67" in text
    learners_csv = designer.get(reverse("geste_block_learners_csv", args=[block.pk])).content.decode("utf-8-sig")
    assert learners_csv.count("\r\n") == 4  # header and three learners
    trainer = Client()
    trainer.force_login(seeded["t1"])  # a trainer sees their cohorts, not every learner of the block
    for name in ("geste_block_indicators", "geste_block_indicators_csv", "geste_block_learners_csv"):
        assert trainer.get(reverse(name, args=[block.pk])).status_code == 403
    cohort_csv = trainer.get(reverse("geste_cohort_indicators_csv", args=[seeded["mine"].pk]))
    assert cohort_csv.status_code == 200
    assert "étape «\u00a0Geste 1.1\u00a0»;100" in cohort_csv.content.decode("utf-8-sig")


def test_learners_csv_says_the_badge_date_in_french_and_defuses_formulas(seeded):
    """Walk: the learners' CSV showed the block's badge as a bare « oui »/« non » under « Badge », without
    its date. It now gives the day it was issued (JJ/MM/AAAA) under « Badge obtenu le », empty without one;
    Excel FR's shape (BOM, « ; ») kept, names a spreadsheet would run as formulas defused."""
    l1, l2, l3, _l4 = seeded["learners"]
    l2.first_name, l2.last_name = '=HYPERLINK("http://x.test")', ""
    l2.save()
    l3.first_name, l3.last_name = "-2+3", ""
    l3.save()
    trainer = Client()
    trainer.force_login(seeded["t1"])
    designer = Client()
    designer.force_login(factories.designer())
    for client, url in [(trainer, reverse("geste_cohort_learners_csv", args=[seeded["mine"].pk])),
                        (designer, reverse("geste_block_learners_csv", args=[seeded["block"].pk]))]:
        resp = client.get(url)
        assert resp.content.startswith(b"\xef\xbb\xbf") and resp["Content-Type"] == "text/csv; charset=utf-8"
        header, *rows = csv.reader(io.StringIO(resp.content.decode("utf-8-sig")), delimiter=";")
        assert header[-1] == "Badge obtenu le"
        badge = {row[0]: row[-1] for row in rows}
        assert badge[l1.get_full_name() or l1.username] == "03/03/2026"
        assert badge["'=HYPERLINK(\"http://x.test\")"] == ""
        assert "=HYPERLINK(\"http://x.test\")" not in badge
        if client is trainer:
            assert badge["'-2+3"] == ""


def test_a_trainer_never_sees_another_cohort(seeded):
    mine, other = seeded["mine"], seeded["other"]
    assert list(visible_cohorts(seeded["t1"])) == [mine]
    client = Client()
    client.force_login(seeded["t1"])
    listing = client.get(reverse("geste_cohorts")).content.decode()
    assert "Session de mars" in listing and "Session d&#x27;avril" not in listing
    for name in ("geste_cohort", "geste_cohort_learners_csv", "geste_cohort_indicators_csv"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    detail = client.get(reverse("geste_cohort", args=[mine.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200 and "<svg" in html and "Courbe de rétention" in html
    assert seeded["learners"][3].username not in html
    assert "une pause de plus de 15\u00a0minutes" not in html  # the help is in the page, with a plain space
    assert "une pause de plus de 15 minutes n'est pas comptée" in html  # what « Temps d'apprentissage » is
    csv = client.get(reverse("geste_cohort_learners_csv", args=[mine.pk]))
    text = csv.content.decode("utf-8-sig")
    assert text.count("\r\n") == 4 and seeded["learners"][0].username in text
    assert seeded["learners"][3].username not in text
    # Trainers cannot reach the designers' cohort management either.
    assert client.get(reverse("cohort:index")).status_code in (302, 403)

    learner = Client()
    learner.force_login(seeded["learners"][0])
    assert learner.get(reverse("geste_cohort", args=[mine.pk])).status_code in (302, 403)
    designer = Client()
    designer.force_login(factories.designer())
    assert designer.get(reverse("geste_cohort", args=[other.pk])).status_code == 200
    assert reverse("cohort:add") in designer.get(reverse("geste_cohorts")).content.decode()
    assert reverse("cohort:add") not in listing
    assert designer.get(reverse("cohort:add")).status_code == 200


def _populate(cohort, caps, n: int, offset: int):
    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"masse{offset + i}") for i in range(n)])
    cohort.learners.add(*users)
    day = datetime(2026, 3, 4, 9, tzinfo=UTC)
    Progress.objects.bulk_create([Progress(user=u, capsule=caps[0], watched=[[0, 30]], watched_fraction=0.5,
                                           completed=i % 2 == 0, completed_at=day) for i, u in enumerate(users)])
    question = caps[0].interactions.first()
    Attempt.objects.bulk_create([Attempt(user=u, interaction=question, correct=True, score=1, answered_at=day)
                                 for u in users])
    PlacementSession.objects.bulk_create([PlacementSession(user=u, skills_block=cohort.skills_block,
                                                           started_at=day, finished_at=day,
                                                           acquired_capsule_ids=[caps[1].pk]) for u in users[::3]])
    cards = PracticeCard.objects.bulk_create([PracticeCard(user=u, interaction=question, due=day, created_at=day,
                                                           last_review=day, stability=2.0, difficulty=5.0, state=2)
                                              for u in users])
    PracticeReview.objects.bulk_create([PracticeReview(card=c, user_id=c.user_id, rating=3, correct=True,
                                                       elapsed_days=8, reviewed_at=day) for c in cards])


def test_report_query_count_is_constant_for_30_and_300_learners(seeded):
    block, caps = seeded["block"], seeded["caps"]
    counts, block_counts = {}, {}
    for size, offset in [(30, 0), (300, 1000)]:
        cohort = Cohort.objects.create(name=f"Masse {size}", skills_block=block, start_date=START,
                                       end_date=START + timedelta(days=27))
        _populate(cohort, caps, size, offset)
        with CaptureQueriesContext(connection) as ctx:
            report = cohort_report(cohort, now=NOW)
        assert len(report.learners) == size
        assert report.retention_7d_percent == 100
        counts[size] = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            whole = block_report(block, now=NOW)
        assert len(whole.learners) == 3 + size + (30 if size == 300 else 0)
        block_counts[size] = len(ctx.captured_queries)
    assert counts[30] == counts[300]
    assert block_counts[30] == block_counts[300]
    print(f"cohort report queries: {counts}; block report queries: {block_counts}")


def test_demo_seed_prepares_placement_and_a_trainers_cohort():
    from capsules import demo
    from capsules.learning.placement import placement_questions

    block = factories.SkillsBlockFactory()
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=block))
    pages.capsule_page(capsule)
    inter = factories.InteractionFactory(capsule=capsule)
    learner = factories.learner()
    for _ in range(2):  # idempotent
        demo.ensure_demo_paths(block, {"apprenant": learner})
    assert [q.interaction_id for q in placement_questions(block)] == [inter.pk]
    cohort = Cohort.objects.get(skills_block=block)
    trainer = cohort.trainers.get()
    assert trainer.username == "formateur" and list(cohort.learners.all()) == [learner]
    assert list(visible_cohorts(trainer)) == [cohort]


def test_a_trainer_reaches_their_cohorts_indicators_from_the_menu_and_from_the_reports_refusal(seeded):
    mine, block = seeded["mine"], seeded["block"]
    client = Client()
    client.force_login(seeded["t1"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Sessions de formation" in home and reverse("geste_cohorts") in home
    assert reverse("geste_reports") not in home
    for url in (reverse("geste_reports"), reverse("geste_block_indicators", args=[block.pk])):
        refused = client.get(url)
        assert refused.status_code == 403
        assert f'href="{reverse("geste_cohorts")}"' in refused.content.decode()
        assert "Voir les indicateurs de mes sessions de formation" in refused.content.decode()
    listing = client.get(reverse("geste_cohorts")).content.decode()
    assert reverse("geste_cohort", args=[mine.pk]) in listing
    detail = client.get(reverse("geste_cohort", args=[mine.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200
    for part in ("Progression par semaine", "<svg", "Acquise au positionnement par", "Rétention à 7 jours",
                 "Badge obtenu", "Entraînement"):
        assert part in html, part
    l2 = seeded["learners"][1]
    assert "3 révisions / 1 question" in html  # L1's practice
    assert (l2.get_full_name() or l2.username) in html and seeded["learners"][3].username not in html


def test_a_trainers_admin_home_lists_their_sessions_with_indicators(seeded):
    """A trainer has no page to edit: their Wagtail home shows "Mes sessions de formation" with each
    of their sessions' main indicators (not the other trainers' sessions); a designer's home does not."""
    mine, other = seeded["mine"], seeded["other"]
    report = cohort_report(mine)
    client = Client()
    client.force_login(seeded["t1"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Mes sessions de formation" in home and "data-trainer-sessions" in home
    row = home.split(f'data-cohort="{mine.pk}"')[1].split("</tr>")[0]
    assert "Session de mars" in row and reverse("geste_cohort", args=[mine.pk]) in row
    assert f"<td data-learners>{len(report.learners)}</td>" in row and len(report.learners) == 3
    assert f"<td data-done>{report.done_percent}\u00a0%</td>" in row and report.done_percent is not None
    assert f"<td data-badge>{report.badge_percent}\u00a0%</td>" in row
    assert f'data-cohort="{other.pk}"' not in home and "Session d'avril" not in home
    designer = Client()
    designer.force_login(factories.designer())
    assert "data-trainer-sessions" not in designer.get(reverse("wagtailadmin_home")).content.decode()


def test_learner_and_trainer_read_the_same_first_try_score_self_ratings_aside(seeded):
    """A capsule with two graded questions (one right, one wrong at the first try), a free-recall
    question rated « Je savais » and a pause to observe, all answered through the learner API: the
    learner's end screen (badge.json's scores, and the manifest's first answers the player counts
    without it) says 50 %, 1 of 2; the trainer's session page said 67 % over 3 first tries (the
    self-rating counted as a right answer). Now both say 50 % over the 2 graded questions."""
    import json

    from capsules.models import Interaction

    block, mine = seeded["block"], seeded["mine"]
    footage = factories.FootageFactory(skills_block=block, duration=60.0)
    capsule = factories.CapsuleFactory(footage=footage, skills_block=block, order=5, title="Capsule notée")
    pages.capsule_page(capsule)
    Step.objects.create(footage=footage, order=0, start=0, end=60, title="Geste unique", approved=True)
    q1 = factories.InteractionFactory(capsule=capsule, time=5.0)
    q2 = factories.InteractionFactory(capsule=capsule, time=10.0)
    recall = factories.InteractionFactory(capsule=capsule, time=20.0, kind=Interaction.Kind.FREE_RECALL, choices=[],
                                          answer_key={"model_answer": "Couper l'eau"})
    observe = factories.InteractionFactory(capsule=capsule, time=30.0, kind=Interaction.Kind.OBSERVE, choices=[],
                                           answer_key={})
    learner = factories.learner()
    mine.learners.add(learner)
    client = Client()
    client.force_login(learner)
    manifest = client.get(reverse("learner-manifest", args=[capsule.pk])).json()
    served = {i["id"]: {c["text"]: c["id"] for c in i["choices"]} for i in manifest["interactions"]}

    def answer(q, response):
        resp = client.post(reverse("learner-answer", args=[q.pk]), json.dumps({"response": response}),
                           content_type="application/json")
        assert resp.status_code == 200, resp.content
        return resp.json()

    assert answer(q1, {"choice": served[q1.pk]["Une clé dynamométrique"]})["correct"] is True
    assert answer(q2, {"choice": served[q2.pk]["Un marteau"]})["correct"] is False
    assert answer(recall, {"text": "Couper l'eau", "self_assessment": "knew"})["correct"] is True
    answer(observe, {})

    # The learner's end screen: the server's scores, and the player's own count from the manifest.
    scores = client.get(reverse("recognition-capsule-badge", args=[capsule.pk])).json()["scores"]
    assert (scores["first_try_right"], scores["graded"], scores["first_try_percent"]) == (1, 2, 50)
    manifest = client.get(reverse("learner-manifest", args=[capsule.pk])).json()
    graded = [i["id"] for i in manifest["interactions"] if i["kind"] not in ("observe", "free_recall")]
    firsts = [manifest["attempts"][str(pk)]["first_correct"] for pk in graded]
    learner_percent = round(100 * firsts.count(True) / len(graded))

    # The trainer's session page: the same share, over the same graded first tries.
    report = cohort_report(mine, now=NOW)
    row = next(c for c in report.capsules if c.capsule_id == capsule.pk)
    step = next(s for s in report.steps if s.title == "Geste unique")
    assert (row.first_tries, row.first_right, row.first_try_percent) == (2, 1, 50)
    assert (step.first_tries, step.first_try_percent) == (2, 50)
    assert row.first_try_percent == learner_percent == scores["first_try_percent"]
    trainer = Client()
    trainer.force_login(seeded["t1"])
    html = trainer.get(reverse("geste_cohort", args=[mine.pk])).content.decode()
    assert "<td>Capsule notée</td><td>0</td><td>0</td><td>50\u00a0%</td>" in html
    assert "<td>Geste unique</td><td>2</td><td>50\u00a0%</td>" in html
