"""The README's demo learner can take the demo capsule (walk 30).

`apprenant` earns the block's badge in the seed (the portfolio, verification and the trainer's indicators
need someone who finished), so a first user signing in as `apprenant` found « Capsule terminée » 100 % and
never met a question. A second demo learner, `apprenante`, has no progress at all: she is in the Learners
group and in the trainer's demo session (a learner who has not started), and the README says to use her
to take the capsule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import authenticate

from capsules import demo
from capsules.models import Attempt, Cohort, Progress
from tests import factories, pages
from tests.baseline import ensure_baseline

pytestmark = pytest.mark.django_db


def test_a_demo_learner_without_progress_is_in_the_session_and_the_readme():
    ensure_baseline()
    people = demo.ensure_users()
    fresh = people["apprenante"]
    assert fresh.groups.filter(name="Learners").exists()
    assert authenticate(username="apprenante", password=demo.DEMO_PASSWORD) == fresh
    block = factories.SkillsBlockFactory()
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=block))
    pages.capsule_page(capsule)
    factories.InteractionFactory(capsule=capsule)
    for _ in range(2):  # idempotent
        demo.ensure_users()
        demo.ensure_demo_paths(block, people)
    cohort = Cohort.objects.get(skills_block=block)
    assert set(cohort.learners.values_list("username", flat=True)) == {"apprenant", "apprenante"}
    assert not Progress.objects.filter(user=fresh).exists() and not Attempt.objects.filter(user=fresh).exists()

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "`apprenante`" in readme and "To take the demo capsule yourself, sign in as `apprenante`" in readme
