"""Walk 22: the learner's skills block page and badge proof say what the badge rule computes.

1. « répondez juste du premier coup aux 4 questions qui restent » while the rule needs a minimum share
   (50 %): she got 3 of 4 and earned the badge. The reason now gives the fewest right answers needed.
2. The proof read « 67 % sur 3 question(s) » and « 0 % sur 2 question(s) » under « au moins 50 % »: it
   now gives the block's figure the rule checks, self-assessed questions left out, in proper plurals.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from capsules.models import Attempt, BadgeCredential, PracticeCard, Progress
from capsules.recognition import issuance
from capsules.recognition.achievements import evaluate, first_try_needed
from capsules.recognition.credentials import block_evidence
from tests import factories
from tests.capsules.test_recognition import block, login  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _answer(learner, interaction, correct: bool, when):
    Attempt.objects.create(user=learner, interaction=interaction, response={}, correct=correct,
                           score=1.0 if correct else 0.0, answered_at=when)


def _first_try(outcome):
    return next((r for r in outcome.reasons if r.code == "first_try"), None)


def test_first_try_needed_is_the_smallest_number():
    assert first_try_needed(1, 7, 50) == 3  # (1 + 3) / 7 = 57 %, (1 + 2) / 7 = 43 %
    assert first_try_needed(0, 4, 50) == 2
    assert first_try_needed(2, 4, 50) == 0
    assert first_try_needed(0, 3, 67) == 3 and first_try_needed(0, 3, 66) == 2


def test_block_page_says_how_many_right_answers_the_minimum_still_needs(
        block, django_capture_on_commit_callbacks):  # noqa: F811
    first, second = block["capsules"]
    # Capsule 1: three graded questions and a self-assessed recall (not graded: it never counts).
    extra1 = [factories.InteractionFactory(capsule=first, mandatory=False, time=6.0 + n) for n in range(2)]
    factories.InteractionFactory(capsule=first, mandatory=False, time=9.0, kind="free_recall",
                                 prompt="Citez les trois contrôles.", choices=[], answer_key={})
    # Capsule 2: four graded questions.
    extra2 = [factories.InteractionFactory(capsule=second, mandatory=False, time=6.0 + n) for n in range(3)]
    learner = factories.learner()
    when = timezone.now() - timedelta(minutes=10)
    for n, q in enumerate([first.interactions.get(mandatory=True), *extra1]):
        _answer(learner, q, n == 0, when)  # 1 right of 3 at the first try: 33 %
    Progress.objects.create(user=learner, capsule=first, watched_fraction=1, completed=True, completed_at=when)

    reason = _first_try(evaluate(learner, block["achievement"]))
    # (1 + 3) / 7 reaches 50 %, (1 + 2) / 7 does not: 3 of the 4 graded questions left, not all 4.
    assert reason is not None and reason.final is False
    expected = ("Score au premier essai\u00a0: 33\u00a0% (minimum 50\u00a0%). Seule la première réponse compte"
                "\u00a0: il suffit de 3 bonnes réponses du premier coup parmi les 4 questions notées qui restent.")
    assert reason.text == expected
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", login(learner).get(
        block["block"].page.url).content.decode())).split())
    assert " ".join(expected.split()) in page and "aux 4 questions qui restent" not in page  # spaces folded

    # The number is the real one: two right answers of four are not enough, three are.
    q2 = [second.interactions.get(mandatory=True), *extra2]
    later = when + timedelta(minutes=1)
    _answer(learner, q2[0], True, later)
    _answer(learner, q2[1], False, later)
    reason = _first_try(evaluate(learner, block["achievement"]))
    assert reason.text.endswith("répondez juste du premier coup aux 2 questions qui restent.")
    _answer(learner, q2[2], True, later)
    _answer(learner, q2[3], True, later)
    Progress.objects.create(user=learner, capsule=second, watched_fraction=1, completed=True, completed_at=later)
    outcome = evaluate(learner, block["achievement"])
    assert _first_try(outcome) is None and outcome.earned  # 4 of 7 right: 57 %


def test_badge_proof_gives_the_rules_block_figure_over_graded_questions(
        block, django_capture_on_commit_callbacks):  # noqa: F811
    first, second = block["capsules"]
    extra1 = [factories.InteractionFactory(capsule=first, mandatory=False, time=6.0 + n) for n in range(2)]
    recall = factories.InteractionFactory(capsule=first, mandatory=False, time=9.0, kind="free_recall",
                                          prompt="Citez les trois contrôles.", choices=[], answer_key={})
    extra2 = factories.InteractionFactory(capsule=second, mandatory=False, time=6.0)
    learner = factories.learner()
    when = timezone.now() - timedelta(minutes=10)
    for q, right in [(first.interactions.get(mandatory=True), True), (extra1[0], True), (extra1[1], False),
                     (recall, True), (second.interactions.get(mandatory=True), True), (extra2, False)]:
        _answer(learner, q, right, when)
    for capsule in (first, second):
        Progress.objects.create(user=learner, capsule=capsule, watched_fraction=1, completed=True, completed_at=when)
    outcome = evaluate(learner, block["achievement"])
    assert outcome.earned and [r.questions for r in outcome.capsules] == [3, 2]  # the recall is not graded
    credential = issuance.award_if_earned(learner, block["block"]) or BadgeCredential.objects.get(user=learner)
    evidence = {e["name"]: e["narrative"] for e in credential.document["evidence"]}
    assert evidence["Score au premier essai sur le bloc"] == (
        "60 % (3 sur 5 questions notées réussies du premier coup ; minimum exigé : 50 %).")
    assert evidence["Capsule 1"].endswith(" ; 2 sur 3 questions notées réussies du premier coup.")
    assert evidence["Capsule 2"].endswith(" ; 1 sur 2 questions notées réussies du premier coup.")
    page = html.unescape(Client().get(reverse("recognition-credential", args=[credential.uuid])).content.decode())
    assert "60 % (3 sur 5 questions notées réussies du premier coup ; minimum exigé : 50 %)." in page
    assert "question(s)" not in page and "67 %" not in page
    # Each proof reads « name : narrative » (walk 22b: « …sur le bloc 60 % : 3 sur 5 » lacked its colon), with
    # one colon (walk 24: « …sur le bloc : 60 % : 3 sur 5 »).
    assert "Score au premier essai sur le bloc</strong>\xa0: 60 % (3 sur 5 questions notées" in page
    assert not re.search(r"sur le bloc</strong>\xa0:[^<]*\d %\s*:", page)
    with translation.override("en"):
        english = block_evidence(outcome.capsules, 50)
        plain = block_evidence(outcome.capsules, 0)
    assert english["narrative"] == "60% (3 of 5 graded questions right at the first try; minimum required: 50%)."
    assert plain["narrative"] == "60% (3 of 5 graded questions right at the first try)."


def test_block_page_says_what_each_action_changes_and_links_questions_with_one_label(
        block, django_capture_on_commit_callbacks):  # noqa: F811
    """Walk 22: « Refaites la capsule en entier » beside « refaire la capsule ne le change pas », and the same
    question linked « Y aller » in the badge's list and « Reprendre la question » under its capsule."""
    first, _second = block["capsules"]
    learner = factories.learner()
    # Ten minutes ago, but today (local time): a capsule completed yesterday evening has its questions due today
    # (a day later), and the practice line below would differ in the first minutes after midnight.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    when = max(timezone.now() - timedelta(minutes=10), midnight + timedelta(seconds=1))
    _answer(learner, first.interactions.get(), False, when)  # wrong at the first try, never right
    Progress.objects.create(user=learner, capsule=first, watched_fraction=1, completed=True, completed_at=when)
    body = login(learner).get(block["block"].page.url).content.decode()

    card = body.split('class="path-consolidate"')[1].split("</ul></li>")[0]
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", card)).split())
    assert "Refaites la capsule en entier" not in text and "refaire la capsule ne le change pas" not in text
    # Walk 24a: « Il est acquis » read as an achievement beside a failing score; it is « définitif ».
    assert ("Premier essai : 0 % — c'est ce score qui compte pour le badge du bloc. Il est définitif : ni refaire "
            "la capsule ni s'entraîner ne le changent.") in text and "acquis" not in text
    english = login(learner)
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english_text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", english.get(block["block"].page.url).content
                                                 .decode())).split())
    assert ("First try: 0% — this is the score the block's badge counts. It is final: neither retaking the "
            "capsule nor practising changes it.") in english_text
    # First-user walk 29: each rule once on the card, beside its score; the action says what it is.
    assert "Meilleure tentative complète : 0 % — il faut 50 % pour maîtriser la capsule." in text
    assert "Refaire la capsule : une nouvelle tentative complète." in text and "premier essai reste" not in text
    # Its questions come back at practice tomorrow (walk 24: the link opened an empty practice page); once due,
    # the link says what it changes.
    assert "Entraînement : rien à revoir aujourd'hui ; ses questions reviendront le " in text
    PracticeCard.objects.filter(user=learner).update(due=timezone.now() - timedelta(hours=1))
    again = login(learner).get(block["block"].page.url).content.decode()
    card = again.split('class="path-consolidate"')[1].split("</ul></li>")[0]
    later = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", card)).split())
    assert "S'entraîner sur ses questions : pour retenir ; ne change ni la maîtrise de la capsule ni le badge." in later

    # Every link to a question on the page: one label, with the question's time (under the capsule and in the
    # badge's list, the same question 0:05 of Capsule 1).
    links = re.findall(r'<a[^>]*href="([^"]*#t=[^"]*)"[^>]*>(.*?)</a>', body, re.S)
    assert len(links) == 3  # under Capsule 1; in the badge's list: Capsule 1's and Capsule 2's
    # (Both capsules' questions have the factory's prompt: tests/cms/test_question_links.py tells two apart.)
    assert {" ".join(html.unescape(label).split()) for _url, label in links} == {
        "Aller à la question « Quel outil faut-il pour serrer l'écrou ? » (0:05)"}
    assert "Y aller" not in body and "Reprendre la question" not in body


def _next_link(body: str) -> tuple[str, str, str] | None:
    nav = re.search(r'<nav class="next"[^>]*data-status="(\w+)"><a href="([^"]+)">(.*?)</a>', body, re.S)
    return nav and (nav.group(1), nav.group(2), " ".join(html.unescape(nav.group(3)).split()))


def test_next_capsule_is_the_next_one_the_learner_has_not_completed(block):  # noqa: F811
    """Walk 22: the end of a capsule offered « Capsule suivante : X » for an X the learner had completed."""
    from django.core.cache import cache

    from capsules.models import Step
    from tests import pages

    cache.clear()
    first, second = block["capsules"]
    footage = factories.FootageFactory(skills_block=block["block"], duration=20.0)
    Step.objects.create(footage=footage, order=0, start=0, end=10, title="Geste 3", approved=True)
    third = factories.CapsuleFactory(footage=footage, title="Capsule 3")
    pages.capsule_page(third)
    learner = factories.learner()
    client = login(learner)
    when = timezone.now()

    def manifest_next(capsule):
        return client.get(reverse("learner-manifest", args=[capsule.pk])).json()["next"]

    assert manifest_next(first)["title"] == "Capsule 2"
    Progress.objects.create(user=learner, capsule=second, watched_fraction=1, completed=True, completed_at=when)
    # Capsule 2 completed: after Capsule 1 comes Capsule 3, in the manifest and on the page.
    assert manifest_next(first)["title"] == "Capsule 3"
    assert manifest_next(first) == {"title": "Capsule 3", "url": third.page.url, "status": "next"}
    assert _next_link(client.get(first.page.url).content.decode()) == ("next", third.page.url,
                                                                       "Capsule suivante : Capsule 3 →")
    # At the end of the block, the earlier capsule not completed yet.
    assert manifest_next(third) == {"title": "Capsule 1", "url": first.page.url, "status": "todo"}
    assert _next_link(client.get(third.page.url).content.decode())[2] == "Autre capsule à terminer : Capsule 1 →"
    # Every other capsule completed (this one being done again or for the first time): nothing to suggest,
    # « Retour au bloc » is the way on (walk 22b: « Capsule suivante (déjà terminée) » as the primary button).
    Progress.objects.create(user=learner, capsule=third, watched_fraction=1, completed=True, completed_at=when)
    assert manifest_next(first) is None
    assert _next_link(client.get(first.page.url).content.decode()) is None
    Progress.objects.create(user=learner, capsule=first, watched_fraction=1, completed=True, completed_at=when)
    assert manifest_next(first) is None and manifest_next(third) is None

    # A visitor's page is the shared cached one: the plain next, never a learner's pick; the learner's page is
    # rendered for them and not stored.
    anonymous = Client()
    for expected in ("miss", "hit"):
        response = anonymous.get(first.page.url)
        assert response["X-Geste-Cache"] == expected
        assert _next_link(response.content.decode()) == ("next", second.page.url, "Capsule suivante : Capsule 2 →")
    assert anonymous.get(reverse("learner-manifest", args=[first.pk])).json()["next"]["title"] == "Capsule 2"
    response = login(learner).get(first.page.url)
    assert "X-Geste-Cache" not in response
    assert _next_link(response.content.decode()) is None  # every other capsule completed: not the visitor's link


def test_demo_badge_criteria_say_completion_asks_answers_and_the_badge_right_ones(db):
    """Walk 22b: the demo badge's criteria defined a finished capsule as « questions obligatoires réussies »
    beside a capsule marked « Terminée » whose mandatory question was answered wrong (completion asks them
    answered; the badge, with require_mandatory_correct, asks them right)."""
    from capsules.recognition.demo_badge import ensure_block_achievement

    achievement = ensure_block_achievement(factories.SkillsBlockFactory(), min_first_try_score=50)
    text = achievement.criteria_narrative
    assert achievement.require_mandatory_correct
    assert "questions obligatoires répondues" in text and "chaque question obligatoire réussie" in text
    assert "questions obligatoires réussies)" not in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_block_page_says_what_an_unfinished_capsule_still_needs(block, lang):  # noqa: F811
    """Walk 24: the block's badge said « Capsule non terminée » without what was missing. It now says it as
    the player's end panel does: the steps not watched, the mandatory questions not answered (the server's
    rule, ``progress.left_to_watch``), or that the capsule is not started."""
    first, second = block["capsules"]
    learner = factories.learner()
    Progress.objects.create(user=learner, capsule=first, watched=[[0, 4]], watched_fraction=0.2, position=4)
    client = login(learner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    body = html.unescape(client.get(block["block"].page.url).content.decode())
    q = first.interactions.get()
    when = f"0:{int(q.time - first.start):02d}"
    said = {
        "fr": f"Capsules non terminées\u00a0: Capsule 1 (il reste à regarder l'étape 1 «\u00a0Geste 0\u00a0»\u00a0; il "
              f"reste à répondre à la question obligatoire de {when})\u00a0; Capsule 2 (pas encore commencée).",
        "en": f"Capsules not completed: Capsule 1 (still to watch: step 1 “Geste 0”; still to answer: the mandatory "
              f"question at {when}); Capsule 2 (not started yet).",
    }[lang]
    assert said in body, re.findall(r"Capsule[^<]*non termin[^<]*|Capsules? not[^<]*", body)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_mandatory_questions_at_the_same_time_are_said_once(block, lang):  # noqa: F811
    """Two mandatory questions at one time read « il reste à répondre aux questions obligatoires de 0:11,
    0:11 »: each time once, with how many questions it asks."""
    from capsules.recognition.achievements import _left_in

    first, _second = block["capsules"]
    q = first.interactions.get()
    twin = factories.InteractionFactory(capsule=first, time=q.time, mandatory=True)
    later = factories.InteractionFactory(capsule=first, time=q.time + 5, mandatory=True)
    progress = Progress.objects.create(user=factories.learner(), capsule=first,
                                       watched=[[first.start, first.effective_end]], watched_fraction=1)
    when = f"0:{int(q.time - first.start):02d}"
    then = f"0:{int(later.time - first.start):02d}"
    with translation.override(lang):
        text = _left_in(first, progress, [q, twin, later], set())
    assert text == {
        # How many, said (ux33: the badge's own count beside it counts those answered wrong too).
        "fr": f"Capsule 1 (il reste à répondre à 3 questions obligatoires\u00a0: {when} (2 questions), {then})",
        "en": f"Capsule 1 (still to answer: 3 mandatory questions: {when} (2 questions), {then})",
    }[lang], text


def test_block_page_says_nothing_of_the_badge_s_rules_once_the_badge_is_earned(block):  # noqa: F811
    """Walk 27: a capsule « Terminé, à consolider » of a learner who already holds the block's badge still said
    « c'est ce score qui compte pour le badge du bloc. Il est définitif » and « pour le badge, le premier essai reste
    le même… », under the box that says the badge is earned: the capsule's mastery is what is left to say."""
    first, _second = block["capsules"]
    learner = factories.learner()
    when = timezone.now() - timedelta(minutes=10)
    _answer(learner, first.interactions.get(), False, when)
    Progress.objects.create(user=learner, capsule=first, watched_fraction=1, completed=True, completed_at=when)
    card = lambda: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", login(learner).get(  # noqa: E731
        block["block"].page.url).content.decode().split('class="path-consolidate"')[1].split("</ul></li>")[0])).split())
    assert "compte pour le badge du bloc" in card()  # not earned: the rule is said
    issuance.award_by_hand(learner, block["achievement"], factories.designer(), "Validé en atelier")
    text = card()
    assert "Refaire la capsule" in text and "il faut 50 % pour maîtriser la capsule" in text, text
    assert "badge" not in text, text
