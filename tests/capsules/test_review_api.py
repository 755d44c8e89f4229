"""Review API: validation of steps, key points and comments, optimistic concurrency, sign-off."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from capsules.models import Footage, KeyPoint, ReviewComment, Step
from capsules.review.validation import (
    MAX_TEXT,
    ReviewValidationError,
    ValidationSettings,
    validate_key_point,
    validate_steps,
)
from tests import pages
from tests.factories import CapsuleFactory, FootageFactory, InteractionFactory, StepFactory, designer, expert

SETTINGS = ValidationSettings(duration=60.0)


# --- pure validation ----------------------------------------------------------------------------


def test_valid_steps_are_parsed_and_rounded():
    steps = validate_steps(
        [
            {"id": 3, "start": 0, "end": 10.00049, "title": " Dévisser "},
            {"start": 10.0, "end": 20, "title": ""},
        ],
        SETTINGS,
    )
    assert steps[0].end == 10.0 and steps[0].title == "Dévisser" and steps[0].id == 3
    assert steps[1].id is None and steps[1].start == 10.0  # touching boundaries are fine


@pytest.mark.parametrize(
    "steps, field, fragment",
    [
        ([{"start": 0, "end": 10}, {"start": 9, "end": 20}], "start", "chevauche"),
        ([{"start": 10, "end": 20}, {"start": 0, "end": 5}], "start", "ordre chronologique"),
        ([{"start": 50, "end": 61}], "end", "dépasse la durée"),
        ([{"start": -1, "end": 5}], "start", "avant le début"),
        ([{"start": 5, "end": 5.5}], "end", "trop courte"),
        ([{"start": "a", "end": 5}], "start", "nombre"),
        ([{"start": float("nan"), "end": 5}], "start", "nombre"),
        ([{"start": True, "end": 5}], "start", "nombre"),
        ([{"id": 1, "start": 0, "end": 5}, {"id": 1, "start": 5, "end": 9}], "id", "deux fois"),
        ([{"start": 0, "end": 5, "title": "x" * 300}], "title", "trop long"),
    ],
)
def test_invalid_steps_are_refused_with_a_located_french_message(steps, field, fragment):
    with pytest.raises(ReviewValidationError) as exc:
        validate_steps(steps, SETTINGS)
    assert any(e.field == field and fragment in e.message for e in exc.value.errors), exc.value.errors


def test_every_error_is_reported_at_once():
    with pytest.raises(ReviewValidationError) as exc:
        validate_steps([{"start": 0, "end": 0.5}, {"start": 0.2, "end": 70}], SETTINGS)
    assert {e.index for e in exc.value.errors} == {0, 1} and len(exc.value.errors) >= 3


def test_empty_or_malformed_lists_are_refused():
    for raw in ([], None, {"start": 0}, ["x"]):
        with pytest.raises(ReviewValidationError):
            validate_steps(raw, SETTINGS)


def test_key_point_validation():
    kp = validate_key_point({"time": 12.3456, "kind": "quality", "text": " Serrer au couple "}, SETTINGS)
    assert (kp.time, kp.kind, kp.text) == (12.346, "quality", "Serrer au couple")
    for bad in (
        {"time": 80, "kind": "safety", "text": "x"},
        {"time": 1, "kind": "autre", "text": "x"},
        {"time": 1, "kind": "safety", "text": "  "},
    ):
        with pytest.raises(ReviewValidationError):
            validate_key_point(bad, SETTINGS)


# --- HTTP API -------------------------------------------------------------------------------


@pytest.fixture
def reviewed(db):
    who = expert(username="expert-api")
    footage = FootageFactory(expert=who, duration=40.0)
    for i, (start, end) in enumerate([(0, 10), (10, 25), (25, 40)], start=1):
        StepFactory(footage=footage, order=i, start=start, end=end, title=f"Étape {i}", keyframe="k.jpg")
    return footage, who


def _client(client, user):
    client.force_login(user)
    return client


def _put(client, footage, body):
    return client.put(
        reverse("review_api:steps", args=[footage.pk]), json.dumps(body), content_type="application/json"
    )


def _post(client, name, footage, body):
    return client.post(
        reverse(f"review_api:{name}", args=[footage.pk]), json.dumps(body), content_type="application/json"
    )


def test_state_lists_steps_key_points_and_version(client, reviewed):
    footage, who = reviewed
    footage.motion_curve = {"fps": 2, "values": [0.1, 0.5]}
    footage.renditions = {"mp4": "f/x.mp4", "captions": {"fr": "f/fr.vtt"}}
    footage.save()
    data = _client(client, who).get(reverse("review_api:state", args=[footage.pk])).json()
    assert data["version"] == 1
    assert [s["title"] for s in data["steps"]] == ["Étape 1", "Étape 2", "Étape 3"]
    assert data["video"]["mp4"].endswith("f/x.mp4") and data["video"]["captions"]["fr"].endswith("f/fr.vtt")
    assert data["motion_curve"]["values"] == [0.1, 0.5]
    assert data["permissions"] == {"can_edit": True, "can_approve": True, "can_reopen": False,
                                   "with_designer": False, "can_resubmit": False}


def test_state_speaks_the_admin_language_not_the_browser_one(client, reviewed):
    """The review API follows the admin's rule (the user's Wagtail language, else French), not the
    browser's Accept-Language: a walk saw « Statut : Steps approved » on a French review screen."""
    from wagtail.users.models import UserProfile

    footage, who = reviewed
    footage.status = Footage.Status.IN_REVIEW
    footage.save(update_fields=["status"])
    url = reverse("review_api:state", args=[footage.pk])
    c = _client(client, who)
    data = c.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").json()
    assert data["footage"]["status_label"] == "En relecture par l'expert"
    profile = UserProfile.get_for_user(who)
    profile.preferred_language = "en"
    profile.save()
    who.refresh_from_db()
    data = c.get(url, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert data["footage"]["status_label"] == "In expert review", data["footage"]["status_label"]


def test_put_steps_moves_splits_merges_and_bumps_version(client, reviewed):
    footage, who = reviewed
    ids = list(footage.steps.order_by("start").values_list("pk", flat=True))
    KeyPoint.objects.create(
        footage=footage, time=30, kind="safety", text="Gants", step=Step.objects.get(pk=ids[2])
    )
    body = {
        "version": 1,
        "steps": [
            {"id": ids[0], "start": 0, "end": 12, "title": "Couper l'eau"},  # boundary moved
            {"id": ids[1], "start": 12, "end": 18, "title": "Dévisser"},  # split in two…
            {"start": 18, "end": 40, "title": "Remonter"},  # …and merged with the last
        ],
    }
    res = _put(_client(client, who), footage, body)
    assert res.status_code == 200, res.content
    data = res.json()
    assert data["version"] == 2
    assert [(s["start"], s["end"], s["title"]) for s in data["steps"]] == [
        (0, 12, "Couper l'eau"),
        (12, 18, "Dévisser"),
        (18, 40, "Remonter"),
    ]
    assert not Step.objects.filter(pk=ids[2]).exists()
    new = Step.objects.get(footage=footage, start=18)
    assert KeyPoint.objects.get().step == new  # re-attached to the step that now contains it
    assert Step.objects.get(pk=ids[0]).keyframe == "k.jpg"  # what the pipeline derived is kept


def test_stale_write_gets_409_with_the_current_state_and_changes_nothing(client, reviewed):
    footage, who = reviewed
    other = designer(username="designer-api")
    first = _put(
        _client(client, other),
        footage,
        {
            "version": 1,
            "steps": [{"start": 0, "end": 20, "title": "Par le concepteur"}, {"start": 20, "end": 40}],
        },
    )
    assert first.status_code == 200
    client.logout()
    stale = _put(
        _client(client, who),
        footage,
        {"version": 1, "steps": [{"start": 0, "end": 40, "title": "Par l'expert"}]},
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale" and "modifié" in body["detail"]
    assert body["state"]["version"] == 2 and body["state"]["steps"][0]["title"] == "Par le concepteur"
    assert list(footage.steps.values_list("title", flat=True)) == ["Par le concepteur", ""]
    # approving what one did not see is a stale write too
    assert _post(client, "approve", footage, {"version": 1}).status_code == 409
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.IN_REVIEW


def test_invalid_put_gets_400_and_changes_nothing(client, reviewed):
    footage, who = reviewed
    res = _put(
        _client(client, who),
        footage,
        {"version": 1, "steps": [{"start": 0, "end": 30}, {"start": 20, "end": 50}]},
    )
    assert res.status_code == 400
    messages = [e["message"] for e in res.json()["errors"]]
    assert any("chevauche" in m for m in messages) and any("dépasse" in m for m in messages)
    assert footage.steps.count() == 3 and Footage.objects.get(pk=footage.pk).review_version == 1
    assert _put(client, footage, {"steps": [{"start": 0, "end": 30}]}).status_code == 400  # no version
    res = client.put(
        reverse("review_api:steps", args=[footage.pk]), "{pas du json", content_type="application/json"
    )
    assert res.status_code == 400


def test_key_point_and_comment(client, reviewed):
    footage, who = reviewed
    _client(client, who)
    res = _post(client, "key_points", footage, {"time": 12.5, "kind": "safety", "text": "Couper l'eau avant"})
    assert res.status_code == 201
    kp = KeyPoint.objects.get()
    assert kp.step.start == 10 and kp.created_by == who
    assert _post(client, "key_points", footage, {"time": 12.5, "kind": "x", "text": "a"}).status_code == 400
    step = footage.steps.first()
    res = _post(client, "comments", footage, {"text": "Titre à revoir", "step": step.pk})
    assert res.status_code == 201 and res.json()["comments"][0]["text"] == "Titre à revoir"
    assert _post(client, "comments", footage, {"text": ""}).status_code == 400
    assert _post(client, "comments", footage, {"text": "a", "step": 999999}).status_code == 400
    res = client.delete(reverse("review_api:key_point_detail", args=[footage.pk, kp.pk]))
    assert res.status_code == 200 and not KeyPoint.objects.exists()


def test_approve_locks_and_designer_reopens(client, reviewed):
    footage, who = reviewed
    res = _post(_client(client, who), "approve", footage, {"version": 1})
    assert res.status_code == 200 and res.json()["footage"]["status"] == "approved"
    assert all(footage.steps.values_list("approved", flat=True))
    locked = _put(client, footage, {"version": 2, "steps": [{"start": 0, "end": 40}]})
    assert locked.status_code == 409 and locked.json()["code"] == "approved"
    assert _post(client, "reopen", footage, {"version": 2}).status_code == 403  # experts cannot reopen
    client.logout()
    _client(client, designer(username="designer-reopen"))
    res = _post(client, "reopen", footage, {"version": 2})
    assert res.status_code == 200 and res.json()["footage"]["status"] == "in_review"
    assert not any(footage.steps.values_list("approved", flat=True))


def test_send_back_needs_a_comment(client, reviewed):
    footage, who = reviewed
    _client(client, who)
    assert _post(client, "send_back", footage, {"version": 1, "comment": " "}).status_code == 400
    res = _post(client, "send_back", footage, {"version": 1, "comment": "L'étape 2 est à refilmer."})
    assert res.status_code == 200
    footage.refresh_from_db()
    assert footage.status == Footage.Status.CHANGES_REQUESTED and footage.review_comment.startswith(
        "L'étape 2"
    )
    assert ReviewComment.objects.get().author == who


def test_designer_cannot_sign_off_for_the_assigned_expert(client, reviewed):
    footage, _ = reviewed
    _client(client, designer(username="designer-signoff"))
    assert _post(client, "approve", footage, {"version": 1}).status_code == 403
    assert _put(client, footage, {"version": 1, "steps": [{"start": 0, "end": 40}]}).status_code == 200


def test_footage_not_ready_cannot_be_edited(client, reviewed):
    footage, who = reviewed
    Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.PROCESSING)
    res = _put(_client(client, who), footage, {"version": 1, "steps": [{"start": 0, "end": 40}]})
    assert res.status_code == 409 and res.json()["code"] == "not_ready"


def test_split_and_merge_renumber_default_titles_and_keep_typed_ones(client, reviewed):
    """Split (S) then merge (M) on "Étape N" titles: no gap ("Étape 1, 2, 4…") in the screen or in
    the truth export; a title the expert typed stays as typed."""
    footage, who = reviewed
    ids = list(footage.steps.order_by("start").values_list("pk", flat=True))
    c = _client(client, who)
    # Split step 1 at 5 s (the screen sends "Étape 1 (suite)" for the new half), title step 3 by hand.
    res = _put(c, footage, {"version": 1, "steps": [
        {"id": ids[0], "start": 0, "end": 5, "title": "Étape 1"},
        {"start": 5, "end": 10, "title": "Étape 1 (suite)"},
        {"id": ids[1], "start": 10, "end": 25, "title": "Étape 2"},
        {"id": ids[2], "start": 25, "end": 40, "title": "Serrer l'écrou"},
    ]})
    assert [s["title"] for s in res.json()["steps"]] == ["Étape 1", "Étape 2", "Étape 3", "Serrer l'écrou"]
    steps = res.json()["steps"]
    # Merge the second and third: the merged step keeps the first's title, the others close the gap.
    res = _put(c, footage, {"version": 2, "steps": [
        {"id": steps[0]["id"], "start": 0, "end": 5, "title": steps[0]["title"]},
        {"id": steps[1]["id"], "start": 5, "end": 25, "title": steps[1]["title"]},
        {"id": steps[3]["id"], "start": 25, "end": 40, "title": steps[3]["title"]}]})
    assert res.status_code == 200, res.content
    assert [s["title"] for s in res.json()["steps"]] == ["Étape 1", "Étape 2", "Serrer l'écrou"]
    res = _put(c, footage, {"version": 3, "steps": [
        {"id": steps[0]["id"], "start": 0, "end": 25, "title": "Étape 1"},
        {"id": steps[3]["id"], "start": 25, "end": 32, "title": "Serrer l'écrou"},
        {"start": 32, "end": 40, "title": "Étape 4"},
    ]})
    assert [s["title"] for s in res.json()["steps"]] == ["Étape 1", "Serrer l'écrou", "Étape 3"]
    assert _post(c, "approve", footage, {"version": 4}).status_code == 200
    truth = _client(c, designer(username="designer-api-truth")).get(reverse("review_api:truth", args=[footage.pk]))
    assert [s["title"] for s in truth.json()["steps"]] == ["Étape 1", "Serrer l'écrou", "Étape 3"]


def test_undoing_a_merge_brings_the_second_step_back_whole(client, reviewed, django_capture_on_commit_callbacks):
    """Merge (M) then "Annuler la fusion": the second step comes back with its picture, key terms,
    confidence, comments, questions and key points, not only its times and title."""
    footage, who = reviewed
    first, second, third = footage.steps.order_by("start")
    Step.objects.filter(pk=second.pk).update(
        keyframe="k2.jpg", keyframe_time=17.5, keyframe_region=[0.1, 0.2, 0.3, 0.4],
        key_terms=["écrou", "clé plate"], confidence=0.42, title="Dévisser l'écrou")
    note = ReviewComment.objects.create(footage=footage, step=second, author=who, text="Trop rapide")
    question = InteractionFactory(capsule=CapsuleFactory(footage=footage), time=20, step=second)
    # On the limit the two steps share: the key point was the second's.
    edge = KeyPoint.objects.create(footage=footage, time=10, kind="quality", text="Joint propre", step=second)
    c = _client(client, who)
    before = [{"id": s.pk, "start": s.start, "end": s.end, "title": s.title}
              for s in footage.steps.order_by("start")]
    with django_capture_on_commit_callbacks(execute=True):  # the removed step is kept once the save commits
        merged = _put(c, footage, {"version": 1, "steps": [
            {"id": first.pk, "start": 0, "end": 25, "title": "Étape 1"}, before[2]]})
    assert merged.status_code == 200, merged.content
    assert not Step.objects.filter(pk=second.pk).exists()
    # What hung on the second step follows the step that absorbed it (shown under it, not detached).
    assert ReviewComment.objects.get(pk=note.pk).step_id == first.pk
    question.refresh_from_db()
    assert question.step_id == first.pk
    assert next(c for c in merged.json()["comments"] if c["id"] == note.pk)["step"] == first.pk
    # The screen sends the steps as they were before the merge, the second under its old id.
    undone = _put(c, footage, {"version": merged.json()["version"], "steps": before})
    assert undone.status_code == 200, undone.content
    back = Step.objects.get(footage=footage, start=10)
    assert back.pk == second.pk
    assert (back.keyframe, back.keyframe_time, back.keyframe_region) == ("k2.jpg", 17.5, [0.1, 0.2, 0.3, 0.4])
    assert (back.key_terms, back.confidence, back.title) == (["écrou", "clé plate"], 0.42, "Dévisser l'écrou")
    assert ReviewComment.objects.get(pk=note.pk).step_id == back.pk
    question.refresh_from_db()
    assert question.step_id == back.pk
    edge.refresh_from_db()
    assert edge.step_id == back.pk
    shown = next(s for s in undone.json()["steps"] if s["id"] == back.pk)
    assert shown["keyframe_url"].endswith("k2.jpg") and not shown["keyframe_pending"]
    # Once another change is saved, that state is gone: an old id is only a new step.
    Step.objects.filter(pk=back.pk).delete()
    again = _put(c, footage, {"version": undone.json()["version"], "steps": before})
    assert again.status_code == 200 and not Step.objects.filter(pk=second.pk).exists()


def test_a_merge_keeps_comments_and_questions_on_the_merged_step_and_undo_takes_them_back(
        client, reviewed, django_capture_on_commit_callbacks):
    """Merging step 1 with step 2: step 2's comment and question show under the merged step (they
    stay there after a reload); undoing the merge moves them back to the restored step, while the
    first step's own comment stays on the first."""
    footage, who = reviewed
    first, second, third = footage.steps.order_by("start")
    own = ReviewComment.objects.create(footage=footage, step=first, author=who, text="Bien cadré")
    note = ReviewComment.objects.create(footage=footage, step=second, author=who, text="Trop rapide")
    question = InteractionFactory(capsule=CapsuleFactory(footage=footage), time=20, step=second)
    c = _client(client, who)
    before = [{"id": s.pk, "start": s.start, "end": s.end, "title": s.title}
              for s in footage.steps.order_by("start")]
    with django_capture_on_commit_callbacks(execute=True):
        merged = _put(c, footage, {"version": 1, "steps": [
            {"id": first.pk, "start": 0, "end": 25, "title": "Étape 1"}, before[2]]})
    assert merged.status_code == 200, merged.content
    state = c.get(reverse("review_api:state", args=[footage.pk])).json()  # a reload
    assert {x["id"]: x["step"] for x in state["comments"]} == {own.pk: first.pk, note.pk: first.pk}
    question.refresh_from_db()
    assert question.step_id == first.pk
    undone = _put(c, footage, {"version": merged.json()["version"], "steps": before})
    assert undone.status_code == 200, undone.content
    assert {x["id"]: x["step"] for x in undone.json()["comments"]} == {own.pk: first.pk, note.pk: second.pk}
    question.refresh_from_db()
    assert question.step_id == second.pk
    assert third.pk in [s["id"] for s in undone.json()["steps"]]


def test_a_key_point_on_a_boundary_belongs_to_the_step_it_starts(client, reviewed):
    """A walk found a safety point placed at the start of step 2 (10 s, the expert paused there) listed
    under step 1 in the learner's step list: steps are half-open, the last step keeps its own end."""
    footage, who = reviewed
    _client(client, who)
    for time in (10.0, 25.0, 40.0, 0.0):
        body = {"time": time, "kind": "safety", "text": f"à {time}"}
        assert _post(client, "key_points", footage, body).status_code == 201
    starts = {kp.time: kp.step.start for kp in KeyPoint.objects.all()}
    assert starts == {10.0: 10, 25.0: 25, 40.0: 25, 0.0: 0}


def test_a_merge_can_be_undone_after_a_reload_until_another_change_is_saved(
        client, reviewed, django_capture_on_commit_callbacks):
    """« Annuler la fusion » was gone after a reload (the steps before the merge lived in the page
    only): the server keeps them with the version the merge made, says so in the state, and undoes
    the merge from them; once another change is saved it refuses, in French."""
    footage, who = reviewed
    first, second, third = footage.steps.order_by("start")
    Step.objects.filter(pk=second.pk).update(title="Dévisser l'écrou", key_terms=["écrou"])
    c = _client(client, who)
    url = reverse("review_api:state", args=[footage.pk])
    assert c.get(url).json()["undo_merge"] is None
    with django_capture_on_commit_callbacks(execute=True):
        merged = _put(c, footage, {"version": 1, "action": "merge", "steps": [
            {"id": first.pk, "start": 0, "end": 25, "title": "Dévisser l'écrou"},
            {"id": third.pk, "start": 25, "end": 40, "title": "Étape 3"}]})
    assert merged.status_code == 200, merged.content
    reloaded = c.get(url).json()  # a reload
    assert reloaded["undo_merge"] == {"at": 0}
    with django_capture_on_commit_callbacks(execute=True):
        undone = _put(c, footage, {"version": reloaded["version"], "undo": "merge"})
    assert undone.status_code == 200, undone.content
    assert [(s["id"], s["start"], s["end"], s["title"]) for s in undone.json()["steps"]] == [
        (first.pk, 0, 10, "Étape 1"), (second.pk, 10, 25, "Dévisser l'écrou"), (third.pk, 25, 40, "Étape 3")]
    assert Step.objects.get(pk=second.pk).key_terms == ["écrou"]
    assert undone.json()["undo_merge"] is None and c.get(url).json()["undo_merge"] is None  # undone once
    # Merge again, then save another change: the undo is stale, refused with the state as it is.
    with django_capture_on_commit_callbacks(execute=True):
        merged = _put(c, footage, {"version": undone.json()["version"], "action": "merge", "steps": [
            {"id": first.pk, "start": 0, "end": 10, "title": "Étape 1"},
            {"id": second.pk, "start": 10, "end": 40, "title": "Dévisser l'écrou"}]})
        assert merged.status_code == 200, merged.content
        moved = _put(c, footage, {"version": merged.json()["version"], "steps": [
            {"id": first.pk, "start": 0, "end": 12, "title": "Étape 1"},
            {"id": second.pk, "start": 12, "end": 40, "title": "Dévisser l'écrou"}]})
    assert moved.status_code == 200 and moved.json()["undo_merge"] is None
    stale = _put(c, footage, {"version": moved.json()["version"], "undo": "merge"})
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("La fusion ne peut plus être annulée")
    assert stale.json()["state"]["steps"][0]["end"] == 12 and footage.steps.count() == 2
    # An undo sent with the merge's own (old) version is refused too.
    assert _put(c, footage, {"version": merged.json()["version"], "undo": "merge"}).status_code == 409


def test_the_screens_undo_brings_back_a_step_merged_a_few_saves_ago(
        client, reviewed, django_capture_on_commit_callbacks):
    """Walk 35: « Annuler » takes back changes one after the other (merge, move a limit; undo the move, then the
    merge): the merged step comes back whole under its old id although other saves came between, when the save
    says it is an undo (``action: "undo"``); any other save keeps the rule that an old id is a new step. Only
    those who may edit these steps: the same checks as any save."""
    footage, who = reviewed
    first, second, third = footage.steps.order_by("start")
    Step.objects.filter(pk=second.pk).update(keyframe="k2.jpg", keyframe_time=17.5, key_terms=["écrou"])
    note = ReviewComment.objects.create(footage=footage, step=second, author=who, text="Trop rapide")
    c = _client(client, who)
    before = [{"id": s.pk, "start": s.start, "end": s.end, "title": s.title} for s in footage.steps.order_by("start")]
    merged_steps = [{"id": first.pk, "start": 0, "end": 25, "title": "Étape 1"}, before[2]]
    moved_steps = [{**merged_steps[0], "end": 30}, {**before[2], "start": 30}]
    with django_capture_on_commit_callbacks(execute=True):
        merged = _put(c, footage, {"version": 1, "action": "merge", "steps": merged_steps})
        moved = _put(c, footage, {"version": merged.json()["version"], "steps": moved_steps})
        unmoved = _put(c, footage, {"version": moved.json()["version"], "action": "undo", "steps": merged_steps})
    assert unmoved.status_code == 200, unmoved.content
    assert ReviewComment.objects.get(pk=note.pk).step_id == first.pk
    # Someone who may not edit these steps cannot use it: the same answers as any save.
    other = expert(username="expert-autre")
    c.force_login(other)
    body = {"version": unmoved.json()["version"], "action": "undo", "steps": before}
    assert _put(c, footage, body).status_code == 404
    c.logout()
    assert _put(c, footage, body).status_code == 401
    c.force_login(who)
    with django_capture_on_commit_callbacks(execute=True):
        undone = _put(c, footage, body)
    assert undone.status_code == 200, undone.content
    back = Step.objects.get(footage=footage, start=10)
    assert back.pk == second.pk and (back.keyframe, back.key_terms) == ("k2.jpg", ["écrou"])
    assert ReviewComment.objects.get(pk=note.pk).step_id == second.pk
    assert [(s["id"], s["start"], s["end"]) for s in undone.json()["steps"]] == [
        (first.pk, 0, 10), (second.pk, 10, 25), (third.pk, 25, 40)]
    # The same steps sent as a plain save, two saves after the merge: an old id is a new step.
    with django_capture_on_commit_callbacks(execute=True):
        again = _put(c, footage, {"version": undone.json()["version"], "action": "merge", "steps": merged_steps})
        _put(c, footage, {"version": again.json()["version"], "steps": moved_steps})
    plain = _put(c, footage, {"version": again.json()["version"] + 1, "steps": before})
    assert plain.status_code == 200, plain.content
    assert not Step.objects.filter(pk=second.pk).exists() and footage.steps.count() == 3
    # Approved steps are locked: an undo is refused like any change.
    footage.refresh_from_db()
    Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.APPROVED)
    locked = _put(c, footage, {"version": plain.json()["version"], "action": "undo", "steps": merged_steps})
    assert locked.status_code == 409 and locked.json()["code"] == "approved"


def test_reopening_under_published_capsules_needs_their_confirmation(client, reviewed):
    """A review whose steps published capsules use reopens only once the designer confirmed it knowing
    which (a walk reopened with one click; the public page lost a step at the expert's next merge). Their
    learners keep the approved version until the next approval (test_reopen_learners_keep_approved)."""
    footage, who = reviewed
    assert _post(_client(client, who), "approve", footage, {"version": 1}).status_code == 200
    client.logout()
    capsule = CapsuleFactory(footage=footage, title="Changer le joint")
    pages.capsule_page(capsule)
    CapsuleFactory(footage=footage, title="Brouillon non publié")  # no live page: not named
    _client(client, designer(username="designer-reopen-live"))
    state = client.get(reverse("review_api:state", args=[footage.pk])).json()
    assert state["live_capsules"] == ["Changer le joint"]

    refused = _post(client, "reopen", footage, {"version": 2})
    assert refused.status_code == 409 and refused.json()["code"] == "live_capsules"
    footage.refresh_from_db()
    assert footage.status == "approved" and all(footage.steps.values_list("approved", flat=True))

    res = _post(client, "reopen", footage, {"version": 2, "confirm_live": True})
    assert res.status_code == 200 and res.json()["footage"]["status"] == "in_review"
    assert res.json()["live_capsules"] == []  # nothing to reopen any more


@pytest.mark.parametrize(("chosen", "expected"), [
    ("", ["Étape 1\xa0: trop courte (0,4 s, 1,0 s au moins).",
          "Étape 2\xa0: la fin (0:50,0) dépasse la durée de la vidéo (0:40,0).",
          "Étape 2\xa0: elle chevauche l'étape 1 (0:00,2 < 0:00,4)."]),
    ("en", ["Step 1: too short (0.4 s, 1.0 s at least).",
            "Step 2: the end (0:50.0) is past the video's duration (0:40.0).",
            "Step 2: it overlaps step 1 (0:00.2 < 0:00.4)."]),
])
def test_refused_steps_are_explained_in_the_admins_language_and_number_style(client, reviewed, chosen, expected):
    """i18n 21: an expert who chose English read « Étape 1 : trop courte (0,4 s, 1,0 s au moins). » under
    an English review screen; the browser's language still counts for nothing (the admin's rule)."""
    from wagtail.users.models import UserProfile

    footage, who = reviewed
    profile = UserProfile.get_for_user(who)
    profile.preferred_language = chosen
    profile.save()
    res = _put(_client(client, who), footage,
               {"version": 1, "steps": [{"start": 0, "end": 0.4}, {"start": 0.2, "end": 50}]})
    assert res.status_code == 400
    body = res.json()
    assert [e["message"] for e in body["errors"]] == expected
    assert body["detail"] == ("The changes are not valid." if chosen else "Les modifications ne sont pas valides.")


def test_sent_back_steps_are_in_the_designers_hands_until_sent_to_the_expert_again(
        client, reviewed, django_capture_on_commit_callbacks):
    """Walk 28: once the expert sent the steps back, « Valider les étapes » and the editing tools stayed
    active. It is the designer's turn: the expert's writes are refused (409, said in French) until the
    designer sends the steps back to them (``resubmit``), which mails the expert."""
    from django.core import mail

    footage, who = reviewed
    c = _client(client, who)
    res = _post(c, "send_back", footage, {"version": 1, "comment": "Refilmer l'étape 2."})
    state = res.json()
    assert state["footage"]["status"] == "changes_requested"
    assert state["permissions"]["can_edit"] is False and state["permissions"]["can_approve"] is False
    assert state["permissions"]["with_designer"] is True
    refusals = [
        _put(c, footage, {"version": 2, "steps": [{"start": 0, "end": 40}]}),
        _post(c, "approve", footage, {"version": 2}),
        _post(c, "send_back", footage, {"version": 2, "comment": "Encore."}),
        _post(c, "comments", footage, {"text": "Et aussi…"}),
        _post(c, "key_points", footage, {"time": 3, "kind": "safety", "text": "Gants"}),
        _post(c, "resubmit", footage, {"version": 2}),  # only a designer sends them back
    ]
    for res in refusals[:-1]:
        assert res.status_code == 409 and res.json()["code"] == "with_designer", res.content
        assert "concepteur" in res.json()["detail"]
    assert refusals[-1].status_code == 403
    footage.refresh_from_db()
    assert footage.status == Footage.Status.CHANGES_REQUESTED and footage.review_version == 2
    assert footage.steps.count() == 3 and not footage.key_points.exists()

    # The designer edits, then sends the steps back to the expert, who is told by e-mail.
    c = _client(client, designer(username="designer-resubmit"))
    state = c.get(reverse("review_api:state", args=[footage.pk])).json()
    assert state["permissions"]["can_edit"] is True and state["permissions"]["can_resubmit"] is True
    two = [{"start": 0, "end": 20, "title": "Couper"}, {"start": 20, "end": 40, "title": "Visser"}]
    assert _put(c, footage, {"version": 2, "steps": two}).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        res = _post(c, "resubmit", footage, {"version": 3})
    assert res.status_code == 200, res.content
    assert res.json()["footage"]["status"] == "in_review" and res.json()["permissions"]["can_resubmit"] is False
    assert [m.to for m in mail.outbox] == [[who.email]] and "attend votre relecture" in mail.outbox[0].subject
    assert _post(c, "resubmit", footage, {"version": 4}).status_code == 409  # not sent back any more
    c = _client(client, who)
    assert _post(c, "approve", footage, {"version": 4}).status_code == 200


def test_the_designer_sends_the_steps_back_with_a_note_the_expert_reads(
        client, reviewed, django_capture_on_commit_callbacks):
    """Walk 28b: « Renvoyer à l'expert » takes an optional note: stored as a review comment, sent in the
    e-mail, and the expert's state says the steps came back from the designer (when, with the note)."""
    from django.core import mail

    footage, who = reviewed
    c = _client(client, who)
    assert _post(c, "send_back", footage, {"version": 1, "comment": "Refilmer l'étape 2."}).status_code == 200
    c = _client(client, designer(username="designer-note"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        res = _post(c, "resubmit", footage, {"version": 2, "note": "  Étape 2 refilmée, titres repris.  "})
    assert res.status_code == 200, res.content
    back = res.json()["footage"]["resubmitted"]
    assert back["note"] == "Étape 2 refilmée, titres repris." and back["at"]
    assert [c_["text"] for c_ in res.json()["comments"]][-1] == "Étape 2 refilmée, titres repris."
    assert ReviewComment.objects.filter(footage=footage, text="Étape 2 refilmée, titres repris.").count() == 1
    assert [m.to for m in mail.outbox] == [[who.email]]
    body = mail.outbox[0].body
    assert "Le concepteur vous a renvoyé les étapes" in body and "Étape 2 refilmée, titres repris." in body
    state = _client(client, who).get(reverse("review_api:state", args=[footage.pk])).json()
    assert state["footage"]["resubmitted"]["note"] == "Étape 2 refilmée, titres repris."
    # Sent back again, then resubmitted without a note: no empty comment, the banner has no note.
    assert _post(_client(client, who), "send_back", footage, {"version": 3, "comment": "Encore."}).status_code == 200
    state = _client(client, who).get(reverse("review_api:state", args=[footage.pk])).json()
    assert state["footage"]["resubmitted"] is None
    c = _client(client, designer(username="designer-note2"))
    count = ReviewComment.objects.count()
    res = _post(c, "resubmit", footage, {"version": 4, "note": "   "})
    assert res.status_code == 200 and res.json()["footage"]["resubmitted"]["note"] == ""
    assert ReviewComment.objects.count() == count
    assert _post(c, "resubmit", footage, {"version": 5}).status_code == 409
    # A note too long is refused (400), nothing changed.
    _post(_client(client, who), "send_back", footage, {"version": 5, "comment": "Encore."})
    c = _client(client, designer(username="designer-note3"))
    res = _post(c, "resubmit", footage, {"version": 6, "note": "x" * (MAX_TEXT + 1)})
    assert res.status_code == 400


def test_approved_state_names_the_next_footage_awaiting_this_reviewer(client, reviewed):
    """Walk 35: once the steps were approved the expert had no way on. The approved state names the next footage
    awaiting their decision, as the review list orders them (latest change first), and how many wait; none
    when no other waits. Another expert's footage, or one already approved, is not theirs to decide."""
    footage, who = reviewed
    c = _client(client, who)
    older = FootageFactory(expert=who, title="Vidéo plus ancienne")
    newer = FootageFactory(expert=who, title="Vidéo plus récente")
    Footage.objects.filter(pk=older.pk).update(updated_at=newer.updated_at.replace(year=2020))
    FootageFactory(expert=who, status=Footage.Status.APPROVED, title="Déjà approuvée")
    FootageFactory(expert=expert(username="autre-expert"), title="À un autre expert")
    assert c.get(reverse("review_api:state", args=[footage.pk])).json()["next_review"] is None  # not approved yet
    res = _post(c, "approve", footage, {"version": 1})
    assert res.status_code == 200
    assert res.json()["next_review"] == {"id": newer.pk, "title": "Vidéo plus récente",
                                         "url": reverse("geste_review", args=[newer.pk]), "waiting": 2}
    Footage.objects.filter(pk__in=[older.pk, newer.pk]).update(status=Footage.Status.APPROVED)
    assert c.get(reverse("review_api:state", args=[footage.pk])).json()["next_review"] is None
