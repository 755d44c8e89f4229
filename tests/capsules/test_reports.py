"""Learner reports: exact numbers from known answer sequences, who may see them, CSV for Excel FR,
and a query count that does not grow with the number of learners."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from capsules.analytics import reports
from capsules.learning.grading import grade
from capsules.models import Attempt, LearnerEvent, Progress
from tests import factories, pages

pytestmark = pytest.mark.django_db

BASE = timezone.now().replace(microsecond=0) - timedelta(days=2)


def at(minutes: int):
    return BASE + timedelta(minutes=minutes)


def answer(user, inter, response, minute, *, expect):
    """Store one attempt graded by the real grader; ``expect`` guards the sequence the test relies on."""
    result = grade(inter, response)
    assert result.correct is expect, (inter.kind, response)
    return Attempt.objects.create(
        user=user, interaction=inter, response=response, correct=result.correct, score=result.score,
        answered_at=at(minute),
    )


def progress(user, capsule, fraction, *, minute, completed_minute=None):
    row = Progress.objects.create(
        user=user, capsule=capsule, watched_fraction=fraction, completed=completed_minute is not None,
        completed_at=at(completed_minute) if completed_minute is not None else None,
    )
    Progress.objects.filter(pk=row.pk).update(updated_at=at(minute))  # update() skips auto_now
    return row


@pytest.fixture
def world():
    footage = factories.FootageFactory(duration=20.0)
    capsule = factories.CapsuleFactory(footage=footage, title="Changer un joint")
    q1 = factories.InteractionFactory(
        capsule=capsule, time=5.0, kind="single_choice", prompt="Quel outil ?",
        choices=[{"id": "a", "text": "Clé dynamométrique"}, {"id": "b", "text": "Marteau"},
                 {"id": "c", "text": "Pince"}],
        answer_key={"correct": ["a"]},
    )
    q3 = factories.InteractionFactory(  # created before q2: the report orders by time, not by id
        capsule=capsule, time=15.0, kind="true_false", prompt="Le joint se change à sec.", choices=[],
        answer_key={"correct": True}, mandatory=False,
    )
    q2 = factories.InteractionFactory(
        capsule=capsule, time=10.0, kind="multiple_choice", prompt="Équipements obligatoires ?",
        choices=[{"id": "a", "text": "Gants"}, {"id": "b", "text": "Lunettes"}, {"id": "c", "text": "Casque audio"},
                 {"id": "d", "text": "Bottes"}],
        answer_key={"correct": ["a", "b"]},
    )
    factories.InteractionFactory(capsule=capsule, time=12.0, kind="observe", prompt="Observez", choices=[],
                                 answer_key={})
    factories.InteractionFactory(capsule=capsule, time=13.0, draft_status="proposed", prompt="Brouillon")
    pages.capsule_page(capsule)
    draft = factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=capsule.skills_block),
                                     title="Purger un radiateur", order=1)
    other = factories.CapsuleFactory(title="Poser un siphon")  # another skills block
    pages.capsule_page(other)

    alice = factories.learner(username="amartin", first_name="Alice", last_name="Martin")
    bob = factories.learner(username="bob")
    chloe = factories.learner(username="chloe")
    dan = factories.learner(username="dan")
    eve = factories.learner(username="eve")

    # q1: alice right at once; bob wrong, wrong, right; chloe wrong twice (the first two at the same time).
    answer(alice, q1, {"choice": "a"}, 1, expect=True)
    answer(bob, q1, {"choice": "b"}, 2, expect=False)
    answer(bob, q1, {"choice": "c"}, 3, expect=False)
    answer(bob, q1, {"choice": "a"}, 4, expect=True)
    answer(chloe, q1, {"choice": "b"}, 5, expect=False)
    answer(chloe, q1, {"choices": ["b"]}, 5, expect=False)
    # q2: alice's right attempt is stored first but answered later: her first try (by time) is wrong.
    answer(alice, q2, {"choices": ["b", "a"]}, 11, expect=True)
    answer(alice, q2, {"choices": ["a", "c"]}, 10, expect=False)
    answer(bob, q2, {"choices": ["a", "b"]}, 12, expect=True)
    # q3: alice right, bob wrong, eve (no progress row) right.
    answer(alice, q3, {"value": True}, 20, expect=True)
    answer(bob, q3, {"value": "faux"}, 21, expect=False)
    answer(eve, q3, {"value": "vrai"}, 22, expect=True)

    progress(alice, capsule, 1.0, minute=25, completed_minute=24)
    progress(bob, capsule, 0.5, minute=26)
    progress(chloe, capsule, 0.9, minute=27)
    progress(dan, capsule, 0.2, minute=28)
    progress(alice, other, 1.0, minute=30, completed_minute=30)
    LearnerEvent.objects.create(user=alice, capsule=capsule, verb="played", timestamp=at(40))
    return {"capsule": capsule, "draft": draft, "other": other, "q1": q1, "q2": q2, "q3": q3,
            "alice": alice, "bob": bob, "chloe": chloe, "dan": dan, "eve": eve}


# --- numbers -----------------------------------------------------------------------------------


def test_index_counts_per_skills_block(world):
    blocks = reports.skills_block_summaries()
    assert [b.code for b in blocks] == [world["capsule"].skills_block.code, world["other"].skills_block.code]
    first, draft = blocks[0].capsules
    assert (first.title, first.live, first.started, first.completed) == ("Changer un joint", True, 4, 1)
    assert first.completion_rate == 0.25 and first.completion_percent == 25
    assert first.median_watched == pytest.approx(0.7)  # median of 1.0, 0.5, 0.9, 0.2
    assert (draft.title, draft.live, draft.started, draft.completed) == ("Purger un radiateur", False, 0, 0)
    assert draft.completion_rate is None and draft.median_watched is None
    (other,) = blocks[1].capsules
    assert (other.started, other.completed, other.completion_percent, other.median_watched_percent) == (1, 1, 100, 100)
    # The SQLite fallback computes the same medians as PostgreSQL's percentile_cont.
    fallback = reports._medians_in_python([first.capsule_id, draft.capsule_id, other.capsule_id])
    assert fallback == {first.capsule_id: pytest.approx(0.7), other.capsule_id: 1.0}


def test_questions_in_time_order_with_first_try_rates_and_choices(world):
    report = reports.capsule_report(world["capsule"])
    q1, q2, q3 = report.questions
    assert [q.interaction_id for q in report.questions] == [world["q1"].pk, world["q2"].pk, world["q3"].pk]

    assert (q1.learners, q1.attempts, q1.first_try_right, q1.right_learners) == (3, 6, 1, 2)
    assert q1.first_try_percent == 33 and q1.mean_attempts_until_right == 2.0  # alice 1, bob 3
    assert [(c.choice_id, c.count, c.percent, c.correct, c.most_common_wrong) for c in q1.choices] == [
        ("a", 2, 33, True, False), ("b", 3, 50, False, True), ("c", 1, 17, False, False)]

    assert (q2.learners, q2.attempts, q2.first_try_right, q2.right_learners) == (2, 3, 1, 2)
    assert q2.first_try_rate == 0.5 and q2.mean_attempts_until_right == 1.5  # alice 2, bob 1
    assert [(c.choice_id, c.count, c.most_common_wrong) for c in q2.choices] == [
        ("a", 3, False), ("b", 2, False), ("c", 1, True), ("d", 0, False)]

    assert (q3.learners, q3.first_try_right, q3.right_learners, q3.mean_attempts_until_right) == (3, 2, 2, 1.0)
    assert q3.first_try_percent == 67
    assert [(c.choice_id, c.text, c.count, c.correct, c.most_common_wrong) for c in q3.choices] == [
        ("true", "Vrai", 2, True, False), ("false", "Faux", 1, False, True)]


def test_learners_with_watched_share_completion_score_and_last_activity(world):
    rows = {r.name: r for r in reports.capsule_report(world["capsule"]).learners}
    assert list(rows) == ["Alice Martin", "bob", "chloe", "dan", "eve"]
    alice, bob, chloe, dan, eve = rows.values()
    assert (alice.watched_percent, alice.completed_at, alice.right, alice.questions) == (100, at(24), 3, 3)
    assert alice.last_activity == at(40)  # the "played" event after her last answer and progress
    assert (bob.watched_percent, bob.completed, bob.right, bob.score_percent) == (50, False, 2, 67)
    assert bob.last_activity == at(26)
    assert (chloe.watched_percent, chloe.right, chloe.score, chloe.last_activity) == (90, 0, 0.0, at(27))
    assert (dan.watched_percent, dan.right, dan.last_activity) == (20, 0, at(28))
    assert (eve.watched_percent, eve.completed, eve.right, eve.last_activity) == (0, False, 1, at(22))


def test_a_question_nobody_answered_and_a_capsule_without_learners(world):
    empty = reports.capsule_report(world["draft"])
    assert empty.questions == () and empty.learners == ()
    lonely = factories.InteractionFactory(capsule=world["draft"], time=3.0)
    (q,) = reports.question_stats(world["draft"])
    assert (q.interaction_id, q.learners, q.first_try_rate, q.mean_attempts_until_right) == (lonely.pk, 0, None, None)
    assert [(c.count, c.share, c.most_common_wrong) for c in q.choices] == [(0, None, False), (0, None, False)]


# --- screens ------------------------------------------------------------------------------------


def test_index_and_capsule_screens_show_the_numbers(client, world):
    client.force_login(factories.designer())
    body = client.get(reverse("geste_reports")).content.decode()
    row = re.search(rf'data-capsule="{world["capsule"].pk}">(.*?)</tr>', body, re.S).group(1)
    assert "data-started>4<" in row and "data-completed>1<" in row
    assert 'style="width: 25%"' in row and 'style="width: 70%"' in row
    assert reverse("geste_report_capsule", args=[world["capsule"].pk]) in row

    body = client.get(reverse("geste_report_capsule", args=[world["capsule"].pk])).content.decode()
    assert body.index("Quel outil ?") < body.index("Équipements obligatoires ?") < body.index("Le joint se change")
    q1 = re.search(rf'data-question="{world["q1"].pk}">(.*?)</tr>', body, re.S).group(1)
    assert "data-learners>3<" in q1 and 'style="width: 33%"' in q1
    assert '<td class="geste-num">0:05</td>' in q1  # the learner's clock (it read "5.0 s")
    top_wrong = re.search(r'<li class="geste-choice--top-wrong" data-choice="(\w)"', q1).group(1)
    assert top_wrong == "b" and "Erreur la plus fréquente" in q1
    bob = re.search(rf'data-learner="{world["bob"].pk}">(.*?)</tr>', body, re.S).group(1)
    assert "bob" in bob and "2 / 3" in bob and 'style="width: 50%"' in bob and "Non" in bob


def test_a_capsule_sent_to_the_expert_reads_en_validation_not_brouillon(client, world):
    """First-user walk 17: the report called a capsule in the expert's workflow « Brouillon »; it reads
    « En validation », as the capsule list and the capsule's screen say."""
    from capsules.authoring.capsule import submit_for_validation

    draft = world["draft"]
    pages.capsule_page(draft, publish=False)
    submit_for_validation(draft, factories.designer(username="auteur-rapport"))
    waiting = factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=draft.skills_block),
                                       title="Vidanger un chauffe-eau", order=2)
    pages.capsule_page(waiting, publish=False)  # a page never sent: still a draft
    lines = {c.title: c for c in reports.skills_block_summaries()[0].capsules}
    assert (lines["Purger un radiateur"].in_validation, lines["Purger un radiateur"].live) == (True, False)
    assert not lines["Vidanger un chauffe-eau"].in_validation and not lines["Changer un joint"].in_validation
    client.force_login(factories.designer())
    body = client.get(reverse("geste_reports")).content.decode()
    state = {pk: re.search(rf'data-capsule="{pk}">.*?<td data-state>(.*?)</td>', body, re.S).group(1)
             for pk in (draft.pk, waiting.pk, world["capsule"].pk)}
    assert state == {draft.pk: "En validation", waiting.pk: "Brouillon", world["capsule"].pk: "Publiée"}


ROLES = {
    "anonymous": None,
    "learner": factories.learner,
    "expert": factories.expert,
    "designer": factories.designer,
    "admin": lambda **kw: factories.UserFactory(is_superuser=True, is_staff=True, **kw),
}
EXPECTED = {"anonymous": 302, "learner": 302, "expert": 403, "designer": 200, "admin": 200}


def test_only_designers_and_admins_see_reports(client, world):
    pk = world["capsule"].pk
    urls = [reverse("geste_reports"), reverse("geste_reports_csv"), reverse("geste_report_capsule", args=[pk]),
            reverse("geste_report_capsule_questions_csv", args=[pk]),
            reverse("geste_report_capsule_learners_csv", args=[pk])]
    markers = ["Changer un joint", "Changer un joint", "Alice Martin", "Quel outil ?", "Alice Martin"]
    seen = {}
    for role, make in ROLES.items():
        client.logout()
        if make:
            client.force_login(make(username=f"role-{role}"))
        for url, marker in zip(urls, markers, strict=True):
            resp = client.get(url)
            seen[role, url] = resp.status_code
            body = resp.content.decode("utf-8-sig")
            if resp.status_code == 200:
                assert marker in body, (role, url)
            else:
                assert "Alice Martin" not in body and "Quel outil" not in body, (role, url)
            if role == "anonymous":
                assert resp["Location"].startswith(reverse("wagtailadmin_login") + "?next=")
        if role == "expert":
            assert "réservés aux concepteurs" in client.get(urls[0]).content.decode()
    assert seen == {(role, url): EXPECTED[role] for role in ROLES for url in urls}
    assert client.get(reverse("geste_report_capsule", args=[999999])).status_code == 404  # as admin


def test_menu_item_only_for_designers(client, world):
    client.force_login(factories.designer(username="menu-designer"))
    assert reverse("geste_reports") in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(factories.expert(username="menu-expert"))
    assert reverse("geste_reports") not in client.get(reverse("wagtailadmin_home")).content.decode()


# --- CSV ----------------------------------------------------------------------------------------


def read_csv(resp) -> list[list[str]]:
    assert resp["Content-Type"] == "text/csv; charset=utf-8"
    assert resp["Content-Disposition"].startswith("attachment; filename=")
    assert resp.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig")), delimiter=";"))


def test_csv_exports_for_excel_fr(client, world):
    client.force_login(factories.designer())
    pk = world["capsule"].pk
    index = read_csv(client.get(reverse("geste_reports_csv")))
    assert index[0] == ["Certification", "Bloc de compétences", "Intitulé du bloc", "Capsule", "Publiée",
                        "Apprenants ayant commencé", "Apprenants ayant terminé", "Taux d'achèvement (%)",
                        "Visionnage médian (%)"]
    assert index[1][3:] == ["Changer un joint", "oui", "4", "1", "25,0", "70,0"]
    assert index[2][3:] == ["Purger un radiateur", "non", "0", "0", "", ""]
    assert len(index) == 4

    questions = read_csv(client.get(reverse("geste_report_capsule_questions_csv", args=[pk])))
    assert questions[0][:3] == ["Instant (s)", "Type", "Question"]
    assert questions[1][:8] == ["5,0", "Choix unique", "Quel outil ?", "oui", "3", "6", "33,0", "2,0"]
    assert questions[1][8] == ("Clé dynamométrique [juste]\u00a0: 2 (33\u00a0%) | Marteau [erreur la plus fréquente]"
                               "\u00a0: 3 (50\u00a0%) | Pince\u00a0: 1 (17\u00a0%)")
    assert [r[2] for r in questions[1:]] == ["Quel outil ?", "Équipements obligatoires ?", "Le joint se change à sec."]
    assert questions[3][3] == "non" and questions[3][7] == "1,0"

    learners = read_csv(client.get(reverse("geste_report_capsule_learners_csv", args=[pk])))
    assert learners[0] == ["Apprenant", "Visionnage (%)", "Terminée", "Terminée le", "Bonnes réponses", "Questions",
                           "Score (%)", "Dernière activité"]
    local = timezone.localtime(at(24)).strftime("%d/%m/%Y %H:%M")
    assert learners[1][:7] == ["Alice Martin", "100,0", "oui", local, "3", "3", "100,0"]
    assert learners[2][:7] == ["bob", "50,0", "non", "", "2", "3", "67,0"]
    assert [r[0] for r in learners[1:]] == ["Alice Martin", "bob", "chloe", "dan", "eve"]


def test_csv_defuses_spreadsheet_formulas(client, world):
    world["dan"].first_name = "=HYPERLINK(\"http://x\")"
    world["dan"].save()
    client.force_login(factories.designer())
    learners = read_csv(client.get(reverse("geste_report_capsule_learners_csv", args=[world["capsule"].pk])))
    assert "'=HYPERLINK(\"http://x\")" in [r[0] for r in learners]


# --- no N+1 -------------------------------------------------------------------------------------


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _more_learners(world, n: int):
    for i in range(n):
        user = factories.learner(username=f"cohorte{i}")
        answer(user, world["q1"], {"choice": "b"}, 50 + i, expect=False)
        answer(user, world["q1"], {"choice": "a"}, 51 + i, expect=True)
        answer(user, world["q2"], {"choices": ["a", "b"]}, 52 + i, expect=True)
        progress(user, world["capsule"], 0.95, minute=60 + i, completed_minute=60 + i)
        progress(user, world["other"], 0.4, minute=60 + i)


def test_query_count_does_not_grow_with_learners(client, world):
    capsule = world["capsule"]
    client.force_login(factories.designer())
    urls = [reverse("geste_reports"), reverse("geste_reports_csv"), reverse("geste_report_capsule", args=[capsule.pk]),
            reverse("geste_report_capsule_questions_csv", args=[capsule.pk]),
            reverse("geste_report_capsule_learners_csv", args=[capsule.pk])]
    for url in urls:
        client.get(url)  # warm caches (site root, permissions) before counting

    assert _queries(reports.skills_block_summaries) == 1
    assert _queries(lambda: reports.capsule_report(capsule)) == 4
    before = {url: _queries(lambda url=url: client.get(url)) for url in urls}
    _more_learners(world, 30)
    after = {url: _queries(lambda url=url: client.get(url)) for url in urls}
    print("queries per request", before)
    assert after == before
    assert len(reports.capsule_report(capsule).learners) == 35
    assert reports.skills_block_summaries()[0].capsules[0].started == 34
    assert max(before.values()) <= 25


def test_reports_in_english_for_an_english_admin(client, world):
    from wagtail.users.models import UserProfile

    user = factories.designer(username="english-designer")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    body = client.get(reverse("geste_report_capsule", args=[world["capsule"].pk])).content.decode()
    assert "First-try success" in body and "Most common wrong answer" in body and "Réussite du premier" not in body
    header = read_csv(client.get(reverse("geste_report_capsule_learners_csv", args=[world["capsule"].pk])))[0]
    assert header[:3] == ["Learner", "Watched (%)", "Completed"]


def test_report_shows_what_learners_typed_in_blanks(client, world):
    cloze = factories.InteractionFactory(
        capsule=world["capsule"], time=12.0, kind="cloze", prompt="On change le ___ du ___.", choices=[],
        answer_key={"blanks": [["joint", "joint torique"], ["siphon"]]},
    )
    a, b, c = factories.learner(), factories.learner(), factories.learner()
    answer(a, cloze, {"blanks": ["Joint", "siphon"]}, 1, expect=True)
    answer(b, cloze, {"blanks": ["écrou", "siphon"]}, 2, expect=False)
    answer(c, cloze, {"blanks": ["ecrou !", "robinet"]}, 3, expect=False)
    answer(c, cloze, {"blanks": ["joint torique", "Siphon"]}, 4, expect=True)
    (stats,) = [q for q in reports.question_stats(world["capsule"]) if q.interaction_id == cloze.pk]
    first, second = stats.blanks
    assert first.expected == "joint"
    # "écrou" and "ecrou !" are one answer (case, accents, punctuation do not matter), typed twice
    assert [(t.count, t.accepted) for t in first.answers] == [(2, False), (1, True), (1, True)]
    assert first.answers[0].text in {"écrou", "ecrou !"}
    assert [t.text for t in first.answers[1:]] == ["Joint", "joint torique"]
    assert [(t.count, t.accepted) for t in second.answers] == [(3, True), (1, False)]
    client.force_login(factories.designer())
    body = client.get(reverse("geste_report_capsule", args=[world["capsule"].pk])).content.decode()
    row = re.search(rf'data-question="{cloze.pk}">(.*?)</tr>', body, re.S).group(1)
    assert "Trou 1" in row and "«&nbsp;robinet&nbsp;»" in row and 'data-count="2"' in row
    csv_body = client.get(reverse("geste_report_capsule_questions_csv", args=[world["capsule"].pk])).content.decode()
    assert "Trou 2\u00a0: «\u00a0siphon\u00a0» [accepté]\u00a0: 3, «\u00a0robinet\u00a0»\u00a0: 1" in csv_body


def test_free_recall_counts_as_right_only_when_the_learner_knew_and_is_shown_self_assessed(client):
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=20.0), title="Rappel")
    recall = factories.InteractionFactory(capsule=capsule, time=4.0, kind="free_recall", prompt="Quel outil ?",
                                          choices=[], answer_key={"model_answer": "Une clé plate"})
    pages.capsule_page(capsule)
    didnt, knew = factories.learner(username="ne_savait_pas"), factories.learner(username="savait")
    answer(didnt, recall, {"text": "une pince", "self_assessment": "didnt"}, 1, expect=False)
    answer(didnt, recall, {"text": "une clé plate", "self_assessment": "knew"}, 2, expect=True)
    answer(knew, recall, {"text": "une clé plate", "self_assessment": "knew"}, 3, expect=True)

    [stats] = reports.question_stats(capsule)
    assert (stats.learners, stats.first_try_right, stats.first_try_percent) == (2, 1, 50)
    assert stats.self_assessed and stats.mean_attempts_until_right == 1.5

    client.force_login(factories.designer())
    html = client.get(reverse("geste_report_capsule", args=[capsule.pk])).content.decode()
    row = re.search(rf'<tr data-question="{recall.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "data-self-assessed" in row and "auto-évaluée" in row
    rows = read_csv(client.get(reverse("geste_report_capsule_questions_csv", args=[capsule.pk])))
    assert rows[0][-1] == "Auto-évaluée" and rows[1][6] == "50,0" and rows[1][-1] == "oui"
