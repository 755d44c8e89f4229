"""The expert's check of a capsule sent for validation (cms/expert_check.py): on the dashboard a
visible « Vérifier », then the capsule as learners will see it with « Approuver » and « Demander des
modifications », a French message after acting, and never the page editor for an expert."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import TaskState

from capsules.authoring import capsule as authoring
from capsules.models import Capsule, Footage
from cms.models import CapsulePage
from tests.factories import FootageFactory, StepFactory, designer, expert


@pytest.fixture
def sent(db):
    """A capsule sent for validation to its footage's assigned expert."""
    people = {"jean": expert(username="jean-verif", first_name="Jean", last_name="Plombier"),
              "autre": expert(username="expert-autre-verif"),
              "camille": designer(username="camille-verif", first_name="Camille", last_name="Concepteur")}
    footage = FootageFactory(expert=people["jean"], duration=30.0, status=Footage.Status.APPROVED)
    for i in range(3):
        StepFactory(footage=footage, order=i + 1, start=i * 10.0, end=i * 10.0 + 10.0, approved=True)
    made = authoring.create_capsule(footage, title="Changer un joint", user=people["camille"])
    authoring.submit_for_validation(Capsule.objects.get(pk=made.capsule_id), people["camille"])
    page = CapsulePage.objects.get(pk=made.page_id)
    state = TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)
    return people, page, state


def _section(html: str, section_id: str) -> str:
    found = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_dashboard_shows_a_visible_check_button_instead_of_wagtails_menu(client, sent):
    people, page, _state = sent
    client.force_login(people["jean"])
    html = client.get("/admin/").content.decode()
    panel = _section(html, "geste-to-check")
    assert "En attente de votre vérification" in panel and "Changer un joint" in panel
    assert f'href="{reverse("geste_expert_check", args=[page.pk])}"' in panel and ">Vérifier</a>" in panel
    assert "envoyée par Camille Concepteur" in panel
    # Wagtail's panel (actions behind "…", title linking to the page editor) is not shown to the expert
    assert 'id="awaiting-review' not in html
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) not in html
    # another expert has nothing to check; the designer keeps Wagtail's own panel
    client.force_login(people["autre"])
    assert "Changer un joint" not in client.get("/admin/").content.decode()
    client.force_login(people["camille"])
    assert 'id="geste-to-check"' not in client.get("/admin/").content.decode()


def test_the_expert_never_reaches_the_page_editor(client, sent):
    people, page, _state = sent
    client.force_login(people["jean"])
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert client.get(edit).status_code == 302  # sent away: no page permission, the task opens no editor
    res = client.post(edit, {"title": "Titre changé par l'expert", "slug": page.slug, "capsule": page.capsule_id,
                             "action-submit": "1"})
    assert res.status_code == 302
    page.refresh_from_db()
    assert page.draft_title == "Changer un joint"


def test_check_screen_frames_the_learners_view_with_two_actions(client, sent):
    people, page, state = sent
    client.force_login(people["jean"])
    res = client.get(reverse("geste_expert_check", args=[page.pk]))
    assert res.status_code == 200
    html = res.content.decode()
    preview = reverse("geste_expert_check_preview", args=[page.pk, state.task_id])
    assert f'<iframe class="geste-check__frame" src="{preview}"' in html
    assert ">Approuver</button>" in html and ">Demander des modifications</button>" in html
    assert 'name="title"' not in html and 'name="capsule"' not in html  # no field of the page to edit
    framed = client.get(preview)
    assert framed.status_code == 200 and framed.get("X-Frame-Options") == "SAMEORIGIN"
    # the draft is rendered with the public templates: the strict policy, no inline script allowed
    policy = framed.get("Content-Security-Policy", "")
    assert "frame-ancestors 'self'" in policy and "unsafe-inline" not in policy, policy
    assert "gp-" in framed.content.decode() or "capsule" in framed.content.decode()
    # another expert, or the designer at the expert's step, may not check it
    for other in ("autre", "camille"):
        client.force_login(people[other])
        refused = client.get(reverse("geste_expert_check", args=[page.pk]))  # Wagtail: PermissionDenied -> home
        assert refused.status_code in (302, 403) and "geste-check__frame" not in refused.content.decode()
        assert client.get(preview).status_code in (302, 403)


def test_approve_says_so_on_the_dashboard(client, sent):
    people, page, state = sent
    client.force_login(people["autre"])
    url = reverse("geste_expert_check_action", args=[page.pk, "approve"])
    assert client.post(url).status_code in (302, 403)  # refused (Wagtail sends PermissionDenied home)
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_IN_PROGRESS

    client.force_login(people["jean"])
    res = client.post(url, follow=True)
    assert res.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_APPROVED
    said = "Capsule «\u00a0Changer un joint\u00a0» approuvée\u00a0: le concepteur peut la publier."
    assert said in res.content.decode()
    page.refresh_from_db()
    assert page.current_workflow_task.name == "Publication par le concepteur"
    # nothing left to check: acting again is refused politely
    res = client.post(url, follow=True)
    assert escape("Changer un joint\u00a0» n'attend pas votre vérification.") in res.content.decode()
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_APPROVED


def test_asking_for_changes_needs_a_comment_the_designer_reads(client, sent):
    people, page, state = sent
    client.force_login(people["jean"])
    url = reverse("geste_expert_check_action", args=[page.pk, "reject"])
    res = client.post(url, {"comment": "  "}, follow=True)
    assert escape("Dites au concepteur ce qu'il faut modifier") in res.content.decode()
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_IN_PROGRESS
    res = client.post(url, {"comment": "Il faut serrer à 12 N·m, pas 20."}, follow=True)
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_REJECTED
    assert state.comment == "Il faut serrer à 12 N·m, pas 20."
    assert "Modifications demandées pour la capsule «\u00a0Changer un joint\u00a0»" in res.content.decode()
    assert client.post(reverse("geste_expert_check_action", args=[page.pk, "publish"])).status_code in (302, 403)


def test_superuser_keeps_the_editor(client, sent):
    _people, page, _state = sent
    admin = get_user_model().objects.create_superuser("admin-verif", "a@example.org", "motdepasse-geste")
    client.force_login(admin)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200


def test_the_experts_email_leads_to_the_check_screen(sent):
    from django.core import mail

    people, page, _state = sent
    to_jean = [m for m in mail.outbox if people["jean"].email in m.to]
    assert len(to_jean) == 1, [m.to for m in mail.outbox]
    message = to_jean[0]
    assert message.subject == "Capsule à vérifier\u00a0: «\u00a0Changer un joint\u00a0»"
    check = reverse("geste_expert_check", args=[page.pk])
    html = message.alternatives[0][0] if message.alternatives else ""  # HTML only if WAGTAILADMIN_NOTIFICATION_USE_HTML
    assert check in message.body and (not html or check in html)
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) not in message.body + html
    assert "attend votre vérification" in message.body


@pytest.mark.parametrize("footage_time, shown", [(8.9, "0:06"), (14.8, "0:12")])
def test_check_list_reads_question_times_on_the_capsules_clock(client, db, footage_time, shown):
    """First user: in a capsule cut from the footage at 0:02,8, the check screen's « Questions et
    réponses attendues » listed a question at « 0:03 » that the feedback (« Revoyez ce moment à 0:05 »),
    the block page and the player put at 0:05–0:06: the list counted the capsule's start twice
    (capsules/learning/preview.py took it off and the template's ``|clock:capsule.start`` again).
    Every screen now reads the same time, counted from the capsule's start like the learner's player."""
    import json

    from capsules.recognition.achievements import _missing
    from media_pipeline.quiz_drafts import MOMENT, DraftQuestion
    from tests.factories import InteractionFactory

    jean = expert(username="jean-horloge")
    camille = designer(username="camille-horloge")
    footage = FootageFactory(expert=jean, duration=40.0, status=Footage.Status.APPROVED)
    for i in range(3):
        StepFactory(footage=footage, order=i + 1, start=2.8 + i * 10.0, end=12.8 + i * 10.0, approved=True)
    made = authoring.create_capsule(footage, title="Changer un joint", user=camille)
    capsule = Capsule.objects.get(pk=made.capsule_id)
    assert capsule.start == pytest.approx(2.8)
    # The feedback as drafted (the hotspot's « Revoyez ce moment à … », on the capsule's clock).
    drafted = DraftQuestion(kind="single_choice", time=footage_time, prompt="?", answer_key={},
                            feedback_wrong=f"Revoyez ce moment à {MOMENT}.").on_clock(capsule.start)
    inter = InteractionFactory(capsule=capsule, time=footage_time, feedback_wrong=drafted.feedback_wrong)
    authoring.submit_for_validation(capsule, camille)
    page = CapsulePage.objects.get(pk=made.page_id)
    state = TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)

    client.force_login(jean)
    framed = client.get(reverse("geste_expert_check_preview", args=[page.pk, state.task_id])).content.decode()
    listed = re.findall(r"<strong>(\d+:\d\d) · ", framed)
    assert listed == [shown], listed  # the expert's check list
    # The player's feedback after a wrong answer (graded through the preview manifest).
    answer_url = client.get(reverse("preview-manifest", args=[capsule.pk])).json()["interactions"][0]["answer_url"]
    graded = client.post(answer_url, content_type="application/json",
                         data=json.dumps({"response": {"choice": "b"}})).json()
    assert graded["feedback"] == f"Revoyez ce moment à {shown}."
    # The block page's « à … » for a mandatory question not answered yet.
    assert _missing(inter, capsule, answered=False).time == shown


def _ask_for_changes(client, people, page, comment):
    client.force_login(people["jean"])
    client.post(reverse("geste_expert_check_action", args=[page.pk, "reject"]), {"comment": comment})


def test_the_designer_sees_the_experts_request_for_changes_until_resubmitted(client, sent):
    from capsules.models import Interaction

    people, page, _state = sent
    comment = "Serrez à 12 N·m <b>pas</b> 20 & vérifiez"
    _ask_for_changes(client, people, page, comment)
    client.force_login(people["camille"])
    screen = reverse("geste_capsule_edit", args=[page.capsule_id])
    html = client.get(screen).content.decode()
    box = re.search(r'<p[^>]*data-role="changes-requested".*?</p>', html, re.S)
    assert box, "no request for changes on the capsule's screen"
    assert "L'expert Jean Plombier demande des modifications (le " in unescape(box.group(0))
    assert escape(comment) in box.group(0) and "<b>pas</b>" not in html  # user input, escaped
    assert re.search(r"\(le \d{1,2} [a-zéû]+ à \d\d:\d\d\)", box.group(0)), box.group(0)  # « 3 décembre » (walk 25b)
    # the page editor says it too
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "L'expert Jean Plombier demande des modifications" in unescape(edit) and escape(comment) in edit
    # resubmitted: the workflow resumes at the expert's task and the box goes away
    capsule = Capsule.objects.get(pk=page.capsule_id)
    if not capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED).exists():
        Interaction.objects.create(capsule=capsule, kind=Interaction.Kind.FREE_RECALL, time=1.0, prompt="Q ?",
                                   answer_key={"model_answer": "R"},
                                   draft_status=Interaction.DraftStatus.ACCEPTED)
    res = client.post(reverse("geste_capsule_submit", args=[page.capsule_id]), follow=True)
    assert "Capsule envoyée en validation" in res.content.decode()
    page.refresh_from_db()
    assert page.workflow_in_progress and page.current_workflow_task.name != "Publication par le concepteur"
    assert 'data-role="changes-requested"' not in client.get(screen).content.decode()


def test_the_designers_email_says_in_french_what_the_expert_asked(client, sent):
    from django.core import mail

    people, page, _state = sent
    mail.outbox.clear()
    _ask_for_changes(client, people, page, "Serrez à 12 N·m <b>pas</b> 20")
    to_camille = [m for m in mail.outbox if people["camille"].email in m.to]
    assert len(to_camille) == 1, [(m.to, m.subject) for m in mail.outbox]
    message = to_camille[0]
    assert message.subject == "Modifications demandées pour la capsule «\u00a0Changer un joint\u00a0»"
    assert "Bonjour Camille" in message.body and "rejet" not in message.body.lower()
    assert "L'expert Jean Plombier demande des modifications" in message.body
    assert "«\u00a0Serrez à 12 N·m <b>pas</b> 20\u00a0»" in message.body  # plain text
    assert reverse("geste_capsule_edit", args=[page.capsule_id]) in message.body
    html = message.alternatives[0][0] if message.alternatives else ""
    assert not html or ("<b>pas</b>" not in html and escape("<b>pas</b>") in html)


def test_after_approval_the_designer_is_told_to_publish(client, sent):
    people, page, _state = sent
    client.force_login(people["jean"])
    client.post(reverse("geste_expert_check_action", args=[page.pk, "approve"]))
    client.force_login(people["camille"])
    html = client.get("/admin/").content.decode()
    panel = _section(html, "geste-to-publish")
    assert "Changer un joint" in panel
    assert "Approuvée par l'expert\u00a0: à publier" in panel.replace("&nbsp;", "\u00a0")
    assert reverse("geste_capsule_edit", args=[page.capsule_id]) + "#publication" in panel
    assert 'id="awaiting-review' not in html  # not Wagtail's « Approuvé » under « En attente de votre vérification »


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_the_confirmation_is_tagged_for_focus(client, sent, action):
    people, page, _state = sent
    client.force_login(people["jean"])
    res = client.post(reverse("geste_expert_check_action", args=[page.pk, action]), {"comment": "À revoir"},
                      follow=True)
    html = res.content.decode()
    assert re.search(r'<li class="geste-focus success">', html), html[:0]
    assert "cms/admin/focus_message.js" in html


def test_the_framed_preview_opens_on_the_player_without_the_sites_header(client, sent):
    """In the « Vérifier » frame the public header, search and breadcrumb filled a phone's frame and
    pushed the video below its fold: the frame shows the capsule only; Wagtail's own preview is unchanged."""
    people, page, state = sent
    client.force_login(people["jean"])
    framed = client.get(reverse("geste_expert_check_preview", args=[page.pk, state.task_id])).content.decode()
    assert 'class="site-header"' not in framed and 'class="breadcrumb"' not in framed
    assert 'id="lecteur"' in framed and "data-geste-player" in framed
    own = client.get(reverse("wagtailadmin_pages:workflow_preview", args=[page.pk, state.task_id]))
    assert 'class="site-header"' in own.content.decode()


def test_wagtails_workflow_preview_has_the_public_pages_policy(client, sent):
    """Regression guard: the preview link Wagtail shows in its workflow answers with the public page's
    strict policy (the player's own scripts only), not the admin's, which allows inline scripts."""
    people, page, state = sent
    client.force_login(people["jean"])
    res = client.get(reverse("wagtailadmin_pages:workflow_preview", args=[page.pk, state.task_id]))
    policy = res["Content-Security-Policy"]
    assert res.status_code == 200 and "script-src 'self';" in policy + ";" and "unsafe-inline" not in policy


def test_wagtails_workflow_history_shows_the_experts_comment(client, sent):
    """« Historique de la validation » (Wagtail's workflow history of the page) listed the workflow and
    its tasks but not the expert's request: it was one click further, on each workflow's detail page."""
    people, page, _state = sent
    comment = "Serrez à 12 N·m <b>pas</b> 20 & vérifiez"
    _ask_for_changes(client, people, page, comment)
    client.force_login(people["camille"])
    html = client.get(reverse("wagtailadmin_pages:workflow_history", args=[page.pk])).content.decode()
    found = re.search(r'<li class="geste-workflow-comment" data-role="task-comment">(.*?)</li>', html, re.S)
    assert found, html
    assert escape(comment) in found.group(1) and "<b>pas</b>" not in html  # user input, escaped
    assert "Jean Plombier" in found.group(1)
    assert html.count('data-role="task-comment"') == 1  # once, under Wagtail's table


def test_check_screen_warns_when_the_footage_steps_are_back_in_review(client, sent):
    """Walk 16: « Relancer » on the steps of the capsule's footage sent them back to the expert; the check
    screen said nothing. Now it warns, in French, that the steps are being checked again."""
    people, page, _state = sent
    client.force_login(people["jean"])
    url = reverse("geste_expert_check", args=[page.pk])
    assert 'data-role="steps-rechecked"' not in client.get(url).content.decode()
    Footage.objects.filter(pk=page.capsule.footage_id).update(status=Footage.Status.IN_REVIEW)
    html = unescape(client.get(url).content.decode())
    assert 'data-role="steps-rechecked"' in html
    assert "sont en cours de nouvelle vérification (état\u00a0: En relecture par l'expert)" in html


def _menu_labels(html: str) -> list[str]:
    """The labels of the admin sidebar's main menu (Wagtail's JSON props)."""
    import json

    found = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S)
    labels: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("label"), str) and "url" in node:
                labels.append(node["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(found.group(1)))
    return labels


def test_the_expert_has_a_menu_entry_for_the_capsules_to_check(client, sent):
    """Walk 28: only the dashboard card or the e-mail led to a capsule to check. « Capsules à vérifier »
    in the menu, with the count, lists them with « Vérifier »; learners have neither."""
    from tests.factories import learner

    people, page, _state = sent
    client.force_login(people["jean"])
    assert "Capsules à vérifier (1)" in _menu_labels(client.get("/admin/").content.decode())
    res = client.get(reverse("geste_expert_check_index"))
    assert res.status_code == 200
    html = res.content.decode()
    assert "Changer un joint" in html and f'href="{reverse("geste_expert_check", args=[page.pk])}"' in html
    # another expert: the entry, no count, and the list says nothing waits
    client.force_login(people["autre"])
    assert "Capsules à vérifier" in _menu_labels(client.get("/admin/").content.decode())
    html = client.get(reverse("geste_expert_check_index")).content.decode()
    assert "Changer un joint" not in html and "Aucune capsule n'attend votre vérification" in html
    # a learner reaches neither
    client.force_login(learner(username="apprenant-menu-verif"))
    assert client.get(reverse("geste_expert_check_index")).status_code in (302, 403)


def test_a_question_changed_on_the_published_capsule_goes_back_to_the_expert(client, sent):
    """Walk 29: after publication a question added, changed or deleted was live for learners with no expert
    in the loop. It stays live (learners are not cut off) but the capsule is flagged « Modifiée après
    validation : à revoir par l'expert » (who, when, how many changes), goes to the expert's task (e-mail,
    « Capsules à vérifier (1) »), and the expert's approval clears the flag."""
    from django.core import mail

    people, page, _state = sent
    capsule = page.capsule
    client.force_login(people["jean"])
    client.post(reverse("geste_expert_check_action", args=[page.pk, "approve"]))
    client.force_login(people["camille"])
    client.post(reverse("geste_capsule_approve_task", args=[capsule.pk]))
    page.refresh_from_db()
    assert page.live and not page.workflow_in_progress
    mail.outbox.clear()

    add = reverse("geste_interaction_add", args=[capsule.pk])
    data = {"kind": "true_false", "time": "5", "prompt": "On serre au couple.", "true_false": "true"}
    res = client.post(add, data, follow=True)
    assert res.status_code == 200
    html = unescape(res.content.decode())
    assert ("La capsule est publiée\u00a0: la modification est visible des apprenants dès l'enregistrement\u00a0; "
            "l'expert est prévenu et la revalidera.") in html
    # Said once (walk 38): the save's message stands for the list's « La capsule est publiée… » banner.
    assert html.count("visible des apprenants dès l'enregistrement") == 1 and 'data-role="live-warning"' not in html
    later = unescape(client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode())
    assert ("visible des apprenants dès l'enregistrement\u00a0; l'expert est prévenu et la revalidera."
            in later.split('data-role="live-warning"')[1].split("</p>")[0])
    assert "Modifiée après validation\u00a0: à revoir par l'expert (1 modification des questions, la dernière par " \
           "Camille Concepteur le " in html
    page.refresh_from_db()
    capsule.refresh_from_db()
    assert page.live  # learners keep the capsule, with the new question
    assert client.get(reverse("learner-manifest", args=[capsule.pk])).json()["interactions"][0]["prompt"] \
        == "On serre au couple."
    assert capsule.revalidation_changes == 1 and capsule.revalidation_changed_by == people["camille"]
    assert capsule.revalidation_changed_at is not None
    assert page.workflow_in_progress and page.current_workflow_task_state.task.specific.__class__.__name__ \
        == "AssignedExpertApprovalTask"
    assert [m.subject for m in mail.outbox if people["jean"].email in m.to] == [
        "Capsule à vérifier\u00a0: «\u00a0Changer un joint\u00a0»"]

    # A second change: counted, no second workflow, no second e-mail.
    inter = capsule.interactions.get()
    client.post(reverse("geste_interaction_delete", args=[capsule.pk, inter.pk]), {"confirm": "1"})
    capsule.refresh_from_db()
    assert capsule.revalidation_changes == 2
    assert len([m for m in mail.outbox if people["jean"].email in m.to]) == 1

    client.force_login(people["jean"])
    home = client.get(reverse("geste_expert_check_index")).content.decode()
    assert "Capsules à vérifier (1)" in _menu_labels(home)
    home = unescape(home)
    assert "Modifiée après validation\u00a0: à revoir par l'expert (2 modifications des questions" in home
    check = unescape(client.get(reverse("geste_expert_check", args=[page.pk])).content.decode())
    assert 'data-role="revalidation"' in check and "Les apprenants voient déjà ces questions" in check
    client.post(reverse("geste_expert_check_action", args=[page.pk, "approve"]))
    capsule.refresh_from_db()
    assert capsule.revalidation_changes == 0 and capsule.revalidation_changed_by is None
    client.force_login(people["camille"])
    edit = client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode()
    assert "Modifiée après validation" not in edit


def test_saving_a_question_untouched_is_no_modification_for_the_expert(client, sent):
    """Walk 29b: re-saving a question's edit form with nothing changed counted « 1 modification des
    questions » and sent the published capsule back to the expert. Only a real change counts."""
    from django.core import mail

    people, page, _state = sent
    capsule = page.capsule
    client.force_login(people["jean"])
    client.post(reverse("geste_expert_check_action", args=[page.pk, "approve"]))
    client.force_login(people["camille"])
    client.post(reverse("geste_capsule_approve_task", args=[capsule.pk]))
    page.refresh_from_db()
    assert page.live and not page.workflow_in_progress
    inter = capsule.interactions.create(kind="true_false", time=capsule.start + 5.0, prompt="On serre au couple.",
                                        answer_key={"correct": True}, step=capsule.steps().first())
    mail.outbox.clear()

    edit = reverse("geste_interaction_edit", args=[capsule.pk, inter.pk])
    form = client.get(edit).context["form"]
    data = {k: ("on" if v is True else "" if v is False else v) for k, v in form.items()
            if v is not False and k != "image_url"}
    data["shuffle_choices_shown"] = "1"
    res = client.post(edit, data)
    assert res.status_code == 302
    capsule.refresh_from_db()
    page.refresh_from_db()
    assert capsule.revalidation_changes == 0 and not page.workflow_in_progress
    assert not [m for m in mail.outbox if people["jean"].email in m.to]

    res = client.post(edit, {**data, "prompt": "On serre au couple indiqué."})
    capsule.refresh_from_db()
    assert capsule.revalidation_changes == 1


def test_the_expert_rechecking_a_live_capsule_is_told_it_is_already_online(client, sent):
    """Walk 29b: re-approving a capsule already live (« Modifiée après validation ») said « le concepteur
    pourra publier la capsule », and the design page then asked to « Valider et publier » what learners
    already had. The expert reads that the changed questions are online and their approval closes the
    re-check; the design page says why the publication step remains."""
    people, page, _state = sent
    capsule = page.capsule
    client.force_login(people["jean"])
    client.post(reverse("geste_expert_check_action", args=[page.pk, "approve"]))
    client.force_login(people["camille"])
    client.post(reverse("geste_capsule_approve_task", args=[capsule.pk]))
    client.post(reverse("geste_interaction_add", args=[capsule.pk]),
                {"kind": "true_false", "time": "5", "prompt": "On serre au couple.", "true_false": "true"})

    client.force_login(people["jean"])
    check = unescape(client.get(reverse("geste_expert_check", args=[page.pk])).content.decode())
    decision = check.split('id="decision"')[1].split('id="demande"')[0]
    assert "Les questions modifiées sont déjà en ligne\xa0; votre validation clôt la revérification." in decision
    assert "le concepteur pourra publier" not in decision
    home = unescape(client.post(reverse("geste_expert_check_action", args=[page.pk, "approve"]),
                                follow=True).content.decode())
    assert ("Capsule «\u00a0Changer un joint\u00a0» revalidée\u00a0: les questions modifiées sont déjà en "
            "ligne\u00a0; votre validation clôt la revérification.") in home
    assert "le concepteur peut la publier" not in home

    client.force_login(people["camille"])
    edit = unescape(client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode())
    said = edit.split('data-role="live-publication-step"')[1].split("</p>")[0]
    assert "La capsule est déjà en ligne\u00a0: les apprenants voient déjà ses questions, modifiées comprises" in said
