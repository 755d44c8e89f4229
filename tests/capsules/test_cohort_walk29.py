"""First-user walk 29 on the training-session screens: the session form (dates, people, wording) and the
session page (weekly indicators, retention chart, one learner's detail)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from capsules.models import Cohort
from tests import factories

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _post(block, **over):
    data = {"name": "Session de décembre", "skills_block": block.pk, "start_date": "2026-12-15",
            "end_date": "2026-12-31"}
    data.update(over)
    return data


def test_an_end_before_the_start_is_refused_under_fin_in_words(client):
    block = factories.SkillsBlockFactory()
    client.force_login(factories.designer())
    response = client.post(reverse("cohort:add"), _post(block, end_date="2026-12-01"))
    assert response.status_code == 200 and not Cohort.objects.exists()
    form = response.context["form"]
    assert form.errors["end_date"] == ["La date de fin doit être le jour du début ou après."]
    text = _text(response)
    assert "cohort_dates_in_order" not in text and "contrainte" not in text
    assert "La date de fin doit être le jour du début ou après." in text


def test_the_session_dates_have_a_calendar_and_a_format_hint(client):
    client.force_login(factories.designer())
    page = client.get(reverse("cohort:add")).content.decode()
    for name in ("start_date", "end_date"):
        assert f'initDateChooser("id_{name}"' in page, name
    assert "date-time-chooser.js" in page
    assert "Format\u00a0: AAAA-MM-JJ" in page


def test_trainers_and_learners_are_chosen_among_their_groups_by_full_name(client):
    block = factories.SkillsBlockFactory()
    trainer = factories.UserFactory(username="fanny", first_name="Fanny", last_name="Formatrice",
                                    groups=["Trainers"])
    learner = factories.learner(username="karim", first_name="Karim", last_name="Apprenant")
    expert = factories.expert(username="expert29")
    designer = factories.designer(username="concepteur29")
    client.force_login(designer)
    response = client.get(reverse("cohort:add"))
    form = response.context["form"]
    assert list(form.fields["trainers"].queryset) == [trainer]
    assert list(form.fields["learners"].queryset) == [learner]
    page = response.content.decode()
    assert "Fanny Formatrice (fanny)" in page and "Karim Apprenant (karim)" in page
    assert 'type="checkbox" name="learners"' in page and 'type="checkbox" name="trainers"' in page
    people = str(form["trainers"]) + str(form["learners"])
    assert "expert29" not in people and "concepteur29" not in people
    refused = client.post(reverse("cohort:add"), _post(block, trainers=[trainer.pk], learners=[expert.pk]))
    assert refused.status_code == 200 and "learners" in refused.context["form"].errors
    assert not Cohort.objects.exists()
    client.post(reverse("cohort:add"), _post(block, trainers=[trainer.pk], learners=[learner.pk]))
    cohort = Cohort.objects.get()
    assert list(cohort.trainers.all()) == [trainer] and list(cohort.learners.all()) == [learner]
    # Someone who left the group stays offered on the session that holds them (no silent removal).
    learner.groups.clear()
    edit = client.get(reverse("cohort:edit", args=[cohort.pk]))
    assert list(edit.context["form"].fields["learners"].queryset) == [learner]


def test_the_session_admin_speaks_of_a_session_in_proper_french_and_english(client):
    from wagtail.users.models import UserProfile

    block = factories.SkillsBlockFactory()
    designer = factories.designer()
    client.force_login(designer)
    gendered = ("un(e)", "Le(la)", "créé(e)", "modifié(e)", "supprimé(e)", "ce(tte)")
    index = _text(client.get(reverse("cohort:index")))
    assert "Nouvelle session de formation" in index
    add = _text(client.get(reverse("cohort:add")))
    assert "Nouvelle session de formation" in add and "Nouveau Session" not in add and "Nouveau:" not in add
    refused = _text(client.post(reverse("cohort:add"), _post(block, end_date="2026-12-01")))
    assert "La session de formation n'a pas pu être créée à cause d'erreurs." in refused
    created = client.post(reverse("cohort:add"), _post(block), follow=True)
    said = _text(created)
    cohort = Cohort.objects.get()
    assert f"Session de formation « {cohort} » créée." in said
    edited = _text(client.post(reverse("cohort:edit", args=[cohort.pk]), _post(block, name="Session 2"), follow=True))
    cohort.refresh_from_db()
    assert f"Session de formation « {cohort} » modifiée." in edited
    confirm = _text(client.get(reverse("cohort:delete", args=[cohort.pk])))
    assert "Voulez-vous vraiment supprimer cette session de formation ?" in confirm
    for text in (index, add, refused, said, edited, confirm):
        assert not [g for g in gendered if g in text], [g for g in gendered if g in text]
    deleted = _text(client.post(reverse("cohort:delete", args=[cohort.pk]), follow=True))
    assert f"Session de formation « {cohort} » supprimée." in deleted
    profile = UserProfile.get_for_user(designer)
    profile.preferred_language = "en"
    profile.save()
    assert "New training session" in _text(client.get(reverse("cohort:index")))
    refused = _text(client.post(reverse("cohort:add"), _post(block, end_date="2026-12-01")))
    assert "The training session could not be created due to errors." in refused
    assert "The end date must be the start date or later." in refused


def test_the_first_week_also_counts_what_was_done_before_the_session_started(client):
    """A session from 15/12, a learner done on 05/12: the week read « bloc terminé 1 », « capsules
    terminées 0 », « actifs 0 ». The first week holds what came before the start, and the page says so."""
    from datetime import UTC, date, datetime

    from capsules.analytics.cohorts import cohort_report
    from capsules.models import Progress
    from tests import pages

    block = factories.SkillsBlockFactory()
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=block, duration=60.0),
                                       skills_block=block)
    pages.capsule_page(capsule)
    trainer = factories.UserFactory(groups=["Trainers"])
    karim = factories.learner(first_name="Karim", last_name="Apprenant")
    cohort = Cohort.objects.create(name="Décembre", skills_block=block, start_date=date(2026, 12, 15),
                                   end_date=date(2027, 1, 15))
    cohort.trainers.add(trainer)
    cohort.learners.add(karim)
    done = datetime(2026, 12, 5, 10, tzinfo=UTC)
    Progress.objects.create(user=karim, capsule=capsule, watched=[[0, 60]], watched_fraction=1, completed=True,
                            completed_at=done)
    weeks = cohort_report(cohort, now=datetime(2026, 12, 22, 12, tzinfo=UTC)).weeks
    assert [(w.start, w.done_learners, w.completions, w.active) for w in weeks] == [
        (date(2026, 12, 15), 1, 1, 1), (date(2026, 12, 22), 1, 0, 0)]
    client.force_login(trainer)
    text = _text(client.get(reverse("geste_cohort", args=[cohort.pk])))
    assert "La première semaine compte aussi ce qui a été fait avant le début de la session." in text


def _session(reviews: bool):
    import uuid
    from datetime import UTC, date, datetime

    from capsules.models import PracticeCard, PracticeReview, Progress
    from tests import pages

    block = factories.SkillsBlockFactory()
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=block, duration=60.0),
                                       skills_block=block, title="Purger un radiateur")
    pages.capsule_page(capsule)
    trainer = factories.UserFactory(groups=["Trainers"])
    karim = factories.learner(first_name="Karim", last_name="Apprenant")
    cohort = Cohort.objects.create(name="Décembre", skills_block=block, start_date=date(2026, 12, 15),
                                   end_date=date(2027, 1, 15))
    cohort.trainers.add(trainer)
    cohort.learners.add(karim)
    day = datetime(2026, 12, 16, 10, tzinfo=UTC)
    Progress.objects.create(user=karim, capsule=capsule, watched=[[0, 60]], watched_fraction=1, completed=True,
                            completed_at=day)
    if reviews:
        question = factories.InteractionFactory(capsule=capsule)
        card = PracticeCard.objects.create(user=karim, interaction=question, due=day, created_at=day,
                                           last_review=day, stability=3.0, difficulty=5.0, state=2)
        PracticeReview.objects.create(card=card, user=karim, rating=3, correct=True, elapsed_days=8,
                                      reviewed_at=day, client_id=uuid.uuid4())
    return cohort, trainer, karim, capsule


def _english(user):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg[^>]*geste-chart.*?</svg>", page, flags=re.S)


def test_a_retention_chart_without_data_says_so(client):
    cohort, trainer, _karim, _capsule = _session(reviews=False)
    client.force_login(trainer)
    page = client.get(reverse("geste_cohort", args=[cohort.pk])).content.decode()
    assert len(_svgs(page)) == 1  # the weekly progress only: no blank chart of « — »
    assert "Pas encore de données" in _text(client.get(reverse("geste_cohort", args=[cohort.pk])))
    _english(trainer)
    assert "No data yet" in _text(client.get(reverse("geste_cohort", args=[cohort.pk])))


def test_the_charts_speak_the_admin_users_language_and_date_format(client):
    cohort, trainer, _karim, _capsule = _session(reviews=True)
    client.force_login(trainer)
    progress, retention = _svgs(client.get(reverse("geste_cohort", args=[cohort.pk])).content.decode())
    assert ">15/12/2026<" in progress and ">8–14 j<" in retention and ">30 j et +<" in retention
    _english(trainer)
    page = client.get(reverse("geste_cohort", args=[cohort.pk])).content.decode()
    progress, retention = _svgs(page)
    assert "<td>15/12/2026</td>" in page and ">15/12/2026<" in progress  # day first in English too (cms/formats/en)
    assert ">1 d<" in retention and ">8–14 d<" in retention and ">30 d+<" in retention
    assert " j<" not in retention and "et +" not in retention


def test_the_block_badges_list_says_yes_or_no_for_automatic_award(client):
    from capsules.models import Achievement

    block = factories.SkillsBlockFactory()
    Achievement.objects.create(skills_block=block, name="Plomberie", description="d", criteria_narrative="c")
    Achievement.objects.create(skills_block=factories.SkillsBlockFactory(), name="Électricité", description="d",
                               criteria_narrative="c", auto_award=False)
    designer = factories.designer()
    client.force_login(designer)
    text = _text(client.get(reverse("achievement:index")))
    assert "True" not in text and "False" not in text and "Oui" in text and "Non" in text
    _english(designer)
    text = _text(client.get(reverse("achievement:index")))
    assert "True" not in text and "False" not in text and "Yes" in text and "No" in text


def test_a_year_of_weeks_writes_its_dates_without_overlapping():
    from capsules.analytics.charts import Bar, bar_chart

    few = bar_chart([Bar(f"{d:02}/12/2026", 1) for d in range(1, 5)], title="t")
    many = bar_chart([Bar(f"{d % 28 + 1:02}/12/2026", 1) for d in range(52)], title="t")
    assert few.count("/12/2026<") == 4
    assert 4 <= many.count("/12/2026<") <= 10  # every few weeks, each label narrower than its share of width


def test_a_trainer_opens_one_learner_of_the_session(client):
    from django.utils import timezone

    from capsules.models import Attempt

    cohort, trainer, karim, capsule = _session(reviews=True)
    question = capsule.interactions.get()
    Attempt.objects.create(user=karim, interaction=question, correct=True, score=1, answered_at=timezone.now())
    client.force_login(trainer)
    url = reverse("geste_cohort_learner", args=[cohort.pk, karim.pk])
    session = client.get(reverse("geste_cohort", args=[cohort.pk])).content.decode()
    assert f'<a href="{url}">Karim Apprenant</a>' in session
    text = _text(client.get(url))
    for said in ("Karim Apprenant", "Décembre", "100 % (1 sur 1 capsule)", "Purger un radiateur", "Terminée",
                 "1 révision / 1 question", "1 sur 1 question"):
        assert said.replace(" %", "\u00a0%") in text or said in text, said
    _english(trainer)
    text = _text(client.get(url))
    assert "1 of 1 capsule" in text and "Not finished yet" not in text and "Terminée" not in text
    # Someone outside the session, or a session the trainer does not train: not found.
    stranger = factories.learner()
    assert client.get(reverse("geste_cohort_learner", args=[cohort.pk, stranger.pk])).status_code == 404
    other = factories.UserFactory(groups=["Trainers"])
    client.force_login(other)
    assert client.get(url).status_code == 404


def test_a_weekly_progress_without_data_says_so(client):
    """Walk 29b: a session where no learner finished the block showed a tall blank chart with a lone « 0 »;
    it says « Pas encore de données » like the retention chart."""
    from capsules.models import Progress

    cohort, trainer, karim, _capsule = _session(reviews=False)
    Progress.objects.filter(user=karim).update(completed=False, completed_at=None, watched_fraction=0.2)
    client.force_login(trainer)
    res = client.get(reverse("geste_cohort", args=[cohort.pk]))
    assert _svgs(res.content.decode()) == []
    assert "data-no-progress" in res.content.decode()
    assert ("Progression par semaine Pas encore de données\u00a0: le graphique apparaît quand un premier apprenant a "
            "terminé le bloc.") in _text(res)


def test_the_new_session_breadcrumb_names_the_page(client):
    """Walk 29b: the new-session breadcrumb read a bare « Ajout : »."""
    client.force_login(factories.designer())
    response = client.get(reverse("cohort:add"))
    assert response.context["breadcrumbs_items"][-1]["label"] == "Nouvelle session de formation"
    assert "Ajout :" not in _text(response)
