"""Wrong-answer feedback never gives the answer (issue 11, item 6), and drafted proposals keep
their mandatory flag (issue 12, item 12): through the authoring rules, the authoring screens and
the learner's real grading path."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from capsules.authoring import capsule as authoring
from capsules.authoring import drafting as quiz_drafting
from capsules.learning import delivery
from capsules.learning.timecode import clock
from capsules.models import Footage, Interaction, KeyPoint, Transcript
from tests.factories import FootageFactory, StepFactory, designer, learner

# A Whisper-like commentary (leading spaces, word probabilities, one misheard word).
SAID = [
    (1.0, "Je coupe l'arrivée d'eau avant de commencer le travail."),
    (11.0, "Je dévisse l'écrou du siphon avec la clé plate."),
    (15.0, "Je retire le vieux chouin tout usé."),
    (21.0, "Je serre l'écrou du siphon à 12 newtons-mètres avec la clé dynamométrique."),
]
UNSURE = {"chouin": 0.3}


def _segments():
    out = []
    for start, text in SAID:
        words, t = [], start
        for w in text.split():
            p = UNSURE.get(w.strip(".,"), 0.93)
            words.append({"start": round(t, 2), "end": round(t + 0.3, 2), "word": f" {w}", "probability": p})
            t += 0.35
        out.append({"start": start, "end": words[-1]["end"], "text": " " + text, "words": words})
    return out


@pytest.fixture
def footage(db):
    f = FootageFactory(duration=30.0, status=Footage.Status.APPROVED)
    f.skills_block.certification.vocabulary = "clé dynamométrique, siphon"
    f.skills_block.certification.save()
    # Four steps: "what comes next?" is drafted only with two other steps as options.
    for i, title in enumerate(["Couper l'eau", "Dévisser le siphon", "Changer le joint", "Serrer au couple"]):
        StepFactory(footage=f, order=i + 1, start=i * 7.5, end=i * 7.5 + 7.5, title=title,
                    keyframe=f"k/{i}.jpg", approved=True)
    Transcript.objects.create(footage=f, language="fr", duration=30, segments=_segments())
    return f


@pytest.fixture
def capsule(footage):
    made = authoring.create_capsule(footage, title="Changer un joint", user=designer(username="auteur"))
    return footage.capsules.get(pk=made.capsule_id)


def _form(**kw):
    return {"time": "12", "prompt": "Question ?", **kw}


@pytest.mark.parametrize(
    "data, field, leaked",
    [
        ({"kind": "cloze", "cloze": "Je serre avec la [clé dynamométrique].",
          "feedback_wrong": "Non : il fallait la CLE DYNAMOMETRIQUE !"}, "feedback_wrong", "clé dynamométrique"),
        ({"kind": "cloze", "cloze": "Serrer à [12 newtons-mètres|12 N.m].",
          "feedback_wrong": "La valeur attendue était 12 N.m."}, "feedback_wrong", "12 N.m"),
        ({"kind": "single_choice", "choices": "* Une clé dynamométrique\nUn marteau",
          "feedback_wrong": "Non, c'est une clé dynamométrique."}, "feedback_wrong", "Une clé dynamométrique"),
        ({"kind": "single_choice", "choices": "* Une clé dynamométrique\nUn marteau | Non : une clé dynamométrique"},
         "choices", "Une clé dynamométrique"),
        ({"kind": "multiple_choice", "choices": "* Gants\n* Lunettes\nSandales",
          "feedback_wrong": "Il faut des gants et des lunettes."}, "feedback_wrong", "Gants"),
    ],
)
def test_typed_wrong_feedback_that_gives_the_answer_is_refused_in_french(capsule, data, field, leaked):
    with pytest.raises(authoring.AuthoringError) as exc:
        authoring.apply_interaction_form(capsule, _form(**data))
    message = exc.value.errors[field]
    assert message.startswith(("Ce retour donne la réponse", "Le retour de la réponse fausse"))
    assert f"«\u00a0{leaked}\u00a0»" in message and "revoir" in message
    assert not capsule.interactions.exists()


def test_wrong_feedback_that_says_what_to_replay_is_saved(capsule):
    inter = authoring.apply_interaction_form(capsule, _form(
        kind="cloze", cloze="Je serre avec la [clé dynamométrique].",
        feedback_wrong="Non. Revoyez l'étape « Serrer au couple » à 21 s.", replay_step_on_wrong="on"))
    assert inter.feedback_wrong.startswith("Non. Revoyez")


def test_the_screen_shows_the_error_next_to_the_field(client, capsule):
    client.force_login(designer(username="auteur-ecran"))
    res = client.post(reverse("geste_interaction_add", args=[capsule.pk]), _form(
        kind="cloze", cloze="Je dévisse l'écrou du [siphon].", feedback_wrong="Le mot attendu était « Siphon »."))
    html = res.content.decode()
    assert res.status_code == 400 and "Ce retour donne la réponse («\u00a0siphon\u00a0»)" in html
    assert not capsule.interactions.exists()


def test_drafts_keep_and_show_their_mandatory_flag_when_accepted(client, capsule, footage):
    KeyPoint.objects.create(footage=footage, time=12, kind="safety", text="Lunettes obligatoires",
                            step=footage.steps.get(order=2))
    drafts = quiz_drafting.draft_for_capsule(capsule)
    recall = next(d for d in drafts if d.kind == "free_recall")
    cloze = next(d for d in drafts if d.kind == "cloze")
    assert recall.mandatory and recall.answer_key == {"model_answer": "Lunettes obligatoires"}
    client.force_login(designer(username="auteur-accepte"))
    page = client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode()
    assert page.count('data-role="draft-mandatory">(obligatoire)') == sum(d.mandatory for d in drafts)
    decide = reverse("geste_draft_decide", args=[capsule.pk, recall.pk])
    res = client.post(decide, {"decision": "accept", "mandatory_shown": "1", "mandatory": "on"}, follow=True)
    assert "Proposition acceptée. Question obligatoire." in res.content.decode()
    recall.refresh_from_db()
    assert recall.draft_status == "accepted" and recall.mandatory
    # the designer unticks "Obligatoire" on another proposal: it becomes optional, and says so
    client.post(reverse("geste_draft_decide", args=[capsule.pk, cloze.pk]),
                {"decision": "accept", "mandatory_shown": "1"})
    cloze.refresh_from_db()
    assert cloze.draft_status == "accepted" and not cloze.mandatory
    page = client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode()
    assert "(facultative)" in page


def test_a_proposal_that_gives_the_answer_cannot_be_accepted(client, capsule):
    old = Interaction.objects.create(
        capsule=capsule, time=14, kind="single_choice", prompt="Après « Couper l'eau », quelle est l'étape suivante ?",
        choices=[{"id": "a", "text": "Dévisser le siphon"}, {"id": "b", "text": "Serrer au couple"}],
        answer_key={"correct": ["a"]}, feedback_wrong="Non : l'étape suivante est « Dévisser le siphon ».",
        origin="drafted", draft_status="proposed")
    client.force_login(designer(username="auteur-refus"))
    res = client.post(reverse("geste_draft_decide", args=[capsule.pk, old.pk]), {"decision": "accept"}, follow=True)
    assert "Ce retour donne la réponse («\u00a0Dévisser le siphon\u00a0»)" in res.content.decode()
    old.refresh_from_db()
    assert old.draft_status == "proposed"


def test_learner_answering_a_drafted_question_wrong_is_told_what_to_replay(capsule, footage):
    """The real grading path: drafted, accepted, published, answered wrong by a learner."""
    capsule.end = 30.0
    capsule.save(update_fields=["end"])
    drafts = quiz_drafting.draft_for_capsule(capsule)
    assert not any("chouin" in d.prompt for d in drafts)  # misheard sentence never shown
    nxt = next(d for d in drafts if d.kind == "single_choice")
    value = next(d for d in drafts if d.kind == "cloze" and "12 N.m" in d.answer_key["blanks"][0])
    for d in (nxt, value):
        authoring.set_draft_status(d, accept=True)
    capsule.page.save_revision().publish()
    client = Client()
    apprenant = learner(username="apprenant")
    client.force_login(apprenant)

    def answer(inter, response):
        # the learner API speaks this learner's opaque choice ids (capsules/learning/delivery.py)
        response = delivery.response_to_public(inter, response, delivery.audience_for(apprenant))
        res = client.post(reverse("learner-answer", args=[inter.pk]),
                          json.dumps({"response": response, "client_id": str(uuid.uuid4())}),
                          content_type="application/json")
        assert res.status_code == 200, res.content
        return res.json()

    right_id = nxt.answer_key["correct"][0]
    right = next(c["text"] for c in nxt.choices if c["id"] == right_id)
    wrong_id = next(c["id"] for c in nxt.choices if c["id"] != right_id)
    graded = answer(nxt, {"choice": wrong_id})
    assert graded["correct"] is False and right.lower() not in graded["feedback"].lower()
    # Attached to the step it follows: the moment named is where « Revoir l'étape » replays that step from
    # (walk 24: it named the next step's start, 0:14, while the button replayed this one from 0:07).
    step = footage.steps.get(pk=nxt.step_id)
    assert graded["feedback"].startswith("Non. Revoyez")
    assert f"à partir de {clock(max(0.0, step.start - capsule.start))}," in graded["feedback"], graded["feedback"]
    graded = answer(value, {"blanks": ["10 N.m"]})
    assert graded["correct"] is False and "12" not in graded["feedback"]
    # The step the value was said in (from 0:22), replayed by « Revoir l'étape »: not the sentence's 0:21.
    assert footage.steps.get(pk=value.step_id).start == 22.5
    assert "Revoyez le réglage : l'étape est rejouée à partir de 0:22." in graded["feedback"], graded["feedback"]
    manifest = client.get(reverse("learner-manifest", args=[capsule.pk])).json()
    served = {i["id"]: i for i in manifest["interactions"]}
    assert served[value.pk]["replay_step_on_wrong"] and served[value.pk]["mandatory"]
    assert answer(value, {"blanks": ["12 N.m"]})["correct"] is True


def test_moving_a_question_to_another_step_moves_the_replay_time_its_feedback_names(capsule):
    """Walk 48: a drafted question moved from step 2 to step 1 still said « rejouée à partir de 0:07 » while
    « Revoir l'étape » replayed step 1 from 0:00. The old step's replay time follows the question; another
    time the designer wrote stays."""
    steps = list(capsule.steps().order_by("start"))
    inter = authoring.apply_interaction_form(capsule, _form(
        kind="cloze", cloze="Je dévisse l'écrou du [siphon].", step=str(steps[1].pk), time="12",
        feedback_wrong="Non. Réécoutez le commentaire : l'étape est rejouée à partir de 0:07. Durée 10:07."))
    assert "à partir de 0:07." in inter.feedback_wrong
    moved = authoring.apply_interaction_form(capsule, _form(
        kind="cloze", cloze="Je dévisse l'écrou du [siphon].", step=str(steps[0].pk), time="4.5",
        feedback_wrong=inter.feedback_wrong), interaction=inter)
    assert moved.feedback_wrong == ("Non. Réécoutez le commentaire : l'étape est rejouée à partir de 0:00. "
                                   "Durée 10:07."), moved.feedback_wrong
    # Moved within its step: the replay time does not change, nor the text.
    again = authoring.apply_interaction_form(capsule, _form(
        kind="cloze", cloze="Je dévisse l'écrou du [siphon].", step=str(steps[0].pk), time="5",
        feedback_wrong=moved.feedback_wrong), interaction=moved)
    assert again.feedback_wrong == moved.feedback_wrong


def test_a_key_point_that_opens_with_attention_is_not_warned_twice():
    from media_pipeline.quiz_drafts import DraftKeyPoint, DraftStep, draft_hotspots

    step = DraftStep(id=1, start=0, end=10, title="Fermer", keyframe="k/1.jpg")
    said = draft_hotspots([step], [DraftKeyPoint(time=4, kind="safety", text="Attention aux doigts.", step_id=1)])
    assert said[0].feedback_wrong.startswith("Attention aux doigts. Revoyez"), said[0].feedback_wrong
    plain = draft_hotspots([step], [DraftKeyPoint(time=4, kind="safety", text="Doigts loin de la charnière.",
                                                  step_id=1)])
    assert plain[0].feedback_wrong.startswith("Attention : Doigts loin"), plain[0].feedback_wrong
