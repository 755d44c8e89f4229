"""Admin "Plateformes LTI › Notes envoyées": the grades sent to LMSs, read-only, in French, and
"Renvoyer" for one the platform refused, which queues the LTI grade task again."""

from __future__ import annotations

from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from lti_tool.models import LtiContext, LtiDeployment, LtiRegistration, LtiUser

from capsules.interop.lti import grades, tasks
from capsules.models import LtiGradeLink
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/admin/lti/notes/"


@pytest.fixture
def links():
    registration = LtiRegistration.objects.create(
        name="Moodle de l'université", issuer="https://moodle.univ.example", client_id="c1",
        auth_url="https://moodle.univ.example/auth", token_url="https://moodle.univ.example/token",
        keyset_url="https://moodle.univ.example/jwks")
    deployment = LtiDeployment.objects.create(registration=registration, deployment_id="1", is_active=True)
    context = LtiContext.objects.create(deployment=deployment, id_on_platform="course-1", title="CAP Plomberie")
    capsule = factories.CapsuleFactory(title="Remplacer un joint")
    alice = factories.learner(username="alice", first_name="Alice", last_name="Martin")
    bob = factories.learner(username="bob", first_name="Bob", last_name="<b>Durand</b>")
    made = {}
    for name, user, status, score, error, attempts in [
        ("sent", alice, LtiGradeLink.Status.SENT, 80.0, "", 1),
        ("failed", bob, LtiGradeLink.Status.FAILED, 50.0, "La plateforme a répondu 400 : <script>x</script>", 3),
    ]:
        made[name] = LtiGradeLink.objects.create(
            user=user, lti_user=LtiUser.objects.create(registration=registration, sub=f"sub-{name}"),
            context=context, resource_link_id=f"rl-{name}", capsule=capsule,
            lineitem_url="https://moodle.univ.example/lineitem/1",
            scopes=[grades.SCORE_SCOPE], status=status, score_given=score, activity_progress="Completed",
            attempts=attempts, last_error=error, sent_at=timezone.now() if status == "sent" else None)
    return made


def test_the_list_shows_each_grade_send_in_french_and_resend_only_for_a_refused_one(client, links):
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(URL)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    for header in ("Apprenant", "Capsule ou bloc", "Note", "Statut", "Tentatives", "Dernière erreur", "Date"):
        assert f">{header}</th>" in html
    sent, failed = links["sent"], links["failed"]
    row_sent = html.split(f'data-grade="{sent.pk}"')[1].split("</tr>")[0]
    row_failed = html.split(f'data-grade="{failed.pk}"')[1].split("</tr>")[0]
    assert "Alice Martin" in row_sent and "Remplacer un joint" in row_sent and "80 / 100" in row_sent
    assert "Envoyée" in row_sent and "envoyée le" in row_sent and "Renvoyer" not in row_sent
    assert "Refusée par la plateforme" in row_failed and "La plateforme a répondu 400" in row_failed
    assert ">3<" in row_failed and "Renvoyer" in row_failed and "CAP Plomberie" in row_failed
    # What the learner's name and the platform's answer hold is shown as text, never as markup.
    raw = response.content.decode()
    assert "<script>x</script>" not in raw and "<b>Durand</b>" not in raw and "&lt;script&gt;" in raw
    # The status filter.
    only_failed = unescape(client.get(URL, {"statut": "failed"}).content.decode())
    assert f'data-grade="{failed.pk}"' in only_failed and f'data-grade="{sent.pk}"' not in only_failed
    # The menu shows it under "Plateformes LTI".
    assert URL in client.get("/admin/").content.decode()  # the sidebar's menu, as JSON


def test_renvoyer_queues_the_grade_task_again(client, links, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.send_grade, "delay", lambda link_id: queued.append(link_id))
    failed, sent = links["failed"], links["sent"]
    assert not grades.needs_sending(failed, grades.Result(50.0, 100.0, True))  # refused: never retried alone
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}{failed.pk}/renvoyer/")
    assert response.status_code == 302 and response["Location"] == URL
    failed.refresh_from_db()
    assert queued == [failed.pk] and failed.status == LtiGradeLink.Status.PENDING
    assert grades.needs_sending(failed, grades.Result(50.0, 100.0, True))  # the task will send it
    message = client.get(URL).content.decode()
    assert "La note de Bob &lt;b&gt;Durand&lt;/b&gt; est de nouveau à envoyer" in message
    # A grade that was not refused is not sent again; GET does nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{URL}{sent.pk}/renvoyer/")
        assert client.get(f"{URL}{failed.pk}/renvoyer/").status_code == 405
    sent.refresh_from_db()
    assert queued == [failed.pk] and sent.status == LtiGradeLink.Status.SENT


def test_only_people_with_the_grade_permissions_see_or_resend(links):
    failed = links["failed"]
    designer = Client()
    designer.force_login(factories.designer())
    assert designer.get(URL).status_code in (302, 403)
    assert designer.post(f"{URL}{failed.pk}/renvoyer/").status_code in (302, 403)
    assert URL not in designer.get("/admin/").content.decode()
    # Seeing is not sending again.
    viewer = factories.UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_ltigradelink"),
                                Permission.objects.get(codename="access_admin"))
    as_viewer = Client()
    as_viewer.force_login(viewer)
    page = unescape(as_viewer.get(URL).content.decode())
    assert f'data-grade="{failed.pk}"' in page and "Renvoyer" not in page
    assert as_viewer.post(f"{URL}{failed.pk}/renvoyer/").status_code in (302, 403)  # Wagtail: back to /admin/
    failed.refresh_from_db()
    assert failed.status == LtiGradeLink.Status.FAILED
