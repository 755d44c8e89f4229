"""First-user walk (ux33): the skills block page said « 4 questions obligatoires en attente » beside « il reste à
répondre aux questions obligatoires de 0:12, 0:21, 0:36 ». Two questions are asked at 0:12; the learner had
answered one of them wrong (answered: the capsule's completion no longer waits for it; not right: the badge
does). The count and the times did not match and nothing said which question of 0:12 was left.

Now the capsule's line says how many questions are left to answer and names, by its prompt, the one left at a time
shared with a question already answered, and then the others too (walk 33: « 0:12 « … », 0:21, 0:36 », the
bare times read as something else); the badge's summary says how many of its questions are answered wrong
and how many are not answered yet, so that the two counts add up."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from capsules.models import Progress
from tests import factories
from tests.capsules.test_badge_walk22 import _answer
from tests.capsules.test_recognition import block, login  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

TWIN = "À quoi faut-il faire attention ?"
NEXT = "Que faites-vous ensuite ?"


def _text(body: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_block_page_s_counts_add_up_and_a_shared_time_names_the_question_left(block, lang):  # noqa: F811
    achievement = block["achievement"]
    achievement.min_first_try_score = 0  # the badge's summary on its own (no first-try reason beside it)
    achievement.save()
    first, _second = block["capsules"]
    q = first.interactions.get()
    factories.InteractionFactory(capsule=first, time=q.time, mandatory=True, prompt=TWIN)  # a twin of q
    later = factories.InteractionFactory(capsule=first, time=q.time + 9, mandatory=True,
                                         prompt=NEXT)
    learner = factories.learner()
    _answer(learner, q, False, timezone.now() - timedelta(minutes=1))  # answered wrong: left for the badge only
    Progress.objects.create(user=learner, capsule=first, watched=[[first.start, first.effective_end]],
                            watched_fraction=1, position=first.effective_end)
    client = login(learner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    page = _text(client.get(block["block"].page.url).content.decode())
    when, then = (f"0:{int(t - first.start):02d}" for t in (q.time, later.time))
    with translation.override(lang):
        expected = {
            "fr": (f"Capsule 1 (il reste à répondre à 2 questions obligatoires\u00a0: {when} «\u00a0{TWIN}\u00a0», "
                   f"{then} «\u00a0{NEXT}\u00a0»)",
                   "4 questions obligatoires à réussir\u00a0: 1 répondue sans bonne réponse (son premier essai est "
                   "déjà compté), 3 pas encore répondues"),
            "en": (f"Capsule 1 (still to answer: 2 mandatory questions: {when} “{TWIN}”, {then} “{NEXT}”)",
                   "4 mandatory questions to get right: 1 answered without a right answer (its first try already "
                   "counts), 3 not answered yet"),
        }[lang]
    # Capsule 1's three questions: 2 left to answer, each named (0:05 is shared); with Capsule 2's, 4 for the badge.
    assert " ".join(expected[0].split()) in page, re.findall(r"Capsule 1 \([^)]*\)?[^)]*\)", page)
    assert " ".join(expected[1].split()) in page, re.findall(r"\d questions? \w+ [^<]{0,160}", page)
    assert f"{when} (2 questions)" not in page
