"""First-user walk 38 on the designer's capsule screen, the rules that live on the server.

1. A question timed on a step's start, « Étape » left on « (celle qui contient l'instant) », was saved on the
   step that ENDS there (closed intervals, the first match won). Steps are [start, end) everywhere the step of
   an instant is resolved: the form, the list's label, the remembered step, the drafted proposals.
   A proposal about step N asked at its end or later (inside step N+1's time) is deliberate (the learner has
   seen the step, or heard the whole sentence): the list says « Après l'étape N », not « Étape N » beside a
   time inside step N+1.
3. After a question was saved on a published capsule, « La capsule est publiée… » was said twice (the save's
   message and the list's standing banner): once now.
"""

from __future__ import annotations

from html import unescape
from types import SimpleNamespace

import pytest
from django.urls import reverse

from capsules import learner_steps
from capsules.authoring import capsule as authoring
from capsules.authoring.step_changes import label_steps, seen_now
from capsules.models import Capsule
from media_pipeline.quiz_drafts import DraftStep, _step_at
from tests.capsules.test_authoring import capsule, footage  # noqa: F401  (fixtures)
from tests.cms.test_expert_check import sent  # noqa: F401  (fixture)
from tests.factories import InteractionFactory


def _steps(footage):  # noqa: F811
    return list(footage.steps.order_by("start"))


def _question(capsule, time, step=""):  # noqa: F811
    return authoring.apply_interaction_form(capsule, {
        "kind": "true_false", "time": time, "step": step, "prompt": "On coupe l'eau avant tout.",
        "true_false": "true", "mandatory": "on"})


def test_a_time_on_a_steps_start_belongs_to_that_step(capsule, footage):  # noqa: F811
    one, two, three = _steps(footage)  # 0–10, 10–20, 20–30
    assert _question(capsule, "10").step_id == two.pk  # was « Couper l'eau », which ends at 10
    assert _question(capsule, "20,0").step_id == three.pk
    assert _question(capsule, "30").step_id == three.pk  # the last step's end: no step after it
    assert _question(capsule, "9,9").step_id == one.pk
    # The playhead written to the tenth, a hair before the start: that start (time moved onto it).
    inter = _question(capsule, "9,97")
    assert inter.step_id == two.pk and inter.time == pytest.approx(10.0)
    assert authoring.before_step_warning(inter) is None and authoring.step_time_warning(inter) is None
    # A step chosen by hand is kept as chosen.
    assert _question(capsule, "10", step=str(one.pk)).step_id == one.pk


def test_a_capsule_starting_later_counts_from_its_start(footage):  # noqa: F811
    one, two, three = _steps(footage)
    made = authoring.create_capsule(footage, title="Dévisser et changer", first_step_id=two.pk,
                                    last_step_id=three.pk)
    later = Capsule.objects.get(pk=made.capsule_id)
    inter = _question(later, "10")  # 10 s into the capsule: 20 s of the footage, « Changer le joint »'s start
    assert inter.time == pytest.approx(20.0) and inter.step_id == three.pk


def test_step_at_is_half_open():
    a, b, c = (SimpleNamespace(start=s, end=e) for s, e in ((0.0, 7.2), (7.2, 9.8), (12.0, 15.0)))
    steps = [c, a, b]  # any order
    assert learner_steps.step_at(steps, 7.2) is b
    assert learner_steps.step_at(steps, 7.17) is b  # 0:07,2 written to the tenth
    assert learner_steps.step_at(steps, 7.1) is a
    assert learner_steps.step_at(steps, 9.8) is b  # its end, no step starting there (a gap follows)
    assert learner_steps.step_at(steps, 11.0) is None
    assert learner_steps.step_at(steps, 15.0) is c


def test_drafted_proposals_place_a_boundary_moment_in_the_later_step():
    steps = [DraftStep(1, 0.0, 7.2, "Étape 1"), DraftStep(2, 7.2, 9.8, "Ouvrir le hublot"),
             DraftStep(3, 9.8, 20.0, "Étape 3")]
    assert _step_at(steps, 7.2).id == 2
    assert _step_at(steps, 9.8).id == 3
    assert _step_at(steps, 20.0).id == 3
    assert _step_at(steps, 5.0).id == 1


def test_the_list_says_after_the_step_for_a_question_asked_at_its_end_or_later(capsule, footage):  # noqa: F811
    one, two, _three = _steps(footage)
    at_end = InteractionFactory(capsule=capsule, time=10.0, step=one)  # « what next » after step 1, at its end
    later = InteractionFactory(capsule=capsule, time=12.2, step=one)  # a sentence of step 1 heard to its end
    inside = InteractionFactory(capsule=capsule, time=5.0, step=one)
    untied = InteractionFactory(capsule=capsule, time=10.0, step=None)
    label_steps(capsule, [at_end, later, inside, untied])
    assert at_end.step_label == "Après l'étape 1 — Couper l'eau"
    assert later.step_label == "Après l'étape 1 — Couper l'eau"
    assert inside.step_label == "Étape 1 — Couper l'eau"
    assert untied.step_label == "Étape 2 — Dévisser l'écrou"  # no step chosen: the one its time starts
    assert seen_now(untied, capsule)["id"] == two.pk  # the step remembered for it, the same one


def test_a_published_capsules_warning_is_said_once_after_saving_a_question(client, sent):  # noqa: F811
    people, page, _state = sent
    published = page.capsule
    client.force_login(people["jean"])
    client.post(reverse("geste_expert_check_action", args=[page.pk, "approve"]))
    client.force_login(people["camille"])
    client.post(reverse("geste_capsule_approve_task", args=[published.pk]))
    page.refresh_from_db()
    assert page.live and not page.workflow_in_progress

    said = "visible des apprenants dès l'enregistrement"
    add = reverse("geste_interaction_add", args=[published.pk])
    res = client.post(add, {"kind": "true_false", "time": "5", "prompt": "On serre au couple.",
                            "true_false": "true"}, follow=True)
    html = unescape(res.content.decode())
    assert html.count(said) == 1, html.count(said)
    assert "l'expert est prévenu et la revalidera" in html  # the save's message, which says more

    inter = published.interactions.get()
    edit = reverse("geste_interaction_edit", args=[published.pk, inter.pk])
    res = client.post(edit, {"time": "6", "prompt": "On serre au couple à la main.", "true_false": "true",
                             "mandatory": "on"}, follow=True)
    html = unescape(res.content.decode())
    assert "Interaction enregistrée." in html
    assert html.count(said) == 1, html.count(said)

    # Coming back later (no message): the list's standing banner says it.
    html = unescape(client.get(reverse("geste_capsule_edit", args=[published.pk])).content.decode())
    assert html.count(said) == 1 and 'data-role="live-warning"' in html
