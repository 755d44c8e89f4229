"""First-user walk 4, admin pages read by a designer: the capsule design page marks every mandatory
interaction "(obligatoire)" (accepted proposals and hand-made ones alike), and the footage page no
longer offers "Confier la relecture" once the expert approved the steps."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from capsules.models import Footage
from tests import factories

pytestmark = pytest.mark.django_db


def test_every_mandatory_interaction_says_so(client):
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=30.0, status=Footage.Status.APPROVED))
    factories.InteractionFactory(capsule=capsule, time=4.0, prompt="Faite à la main", mandatory=True)
    factories.InteractionFactory(capsule=capsule, time=8.0, prompt="Proposée puis acceptée", mandatory=True,
                                 origin="drafted", draft_status="accepted")
    factories.InteractionFactory(capsule=capsule, time=12.0, prompt="Pour réviser", mandatory=False)
    client.force_login(factories.designer(username="auteur-obligatoire"))
    html = client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode()
    listing = html.split('data-role="interactions"', 1)[1].split("</ol>", 1)[0]
    items = re.findall(r"<li data-kind.*?</li>", listing, flags=re.S)
    assert len(items) == 3, listing
    marks = {prompt: ("(obligatoire)" in li, "(facultative)" in li)
             for li in items for prompt in ("Faite à la main", "Proposée puis acceptée", "Pour réviser")
             if prompt in li}
    assert marks == {"Faite à la main": (True, False), "Proposée puis acceptée": (True, False),
                     "Pour réviser": (False, True)}


@pytest.mark.parametrize("status, offered", [(Footage.Status.IN_REVIEW, True), (Footage.Status.APPROVED, False)])
def test_confier_la_relecture_is_gone_once_the_steps_are_approved(client, status, offered):
    footage = factories.FootageFactory(status=status, expert=factories.expert(username="expert-relu"))
    client.force_login(factories.designer(username="auteur-relecture"))
    html = client.get(reverse("geste_footage_detail", args=[footage.pk])).content.decode()
    assert ("Changer l'expert relecteur" in html.replace("&#x27;", "'")) is offered  # walk 44: not « Confier »
    assert "Confier la relecture" not in html  # the expert is chosen already
    assert ("Relecture confiée à" in html) is offered
    assert ('name="expert"' in html) is offered
    assert ("la relecture est terminée" in html) is not offered


def test_without_an_expert_the_button_confides_the_review(client):
    footage = factories.FootageFactory(status=Footage.Status.IN_REVIEW, expert=None)
    client.force_login(factories.designer(username="auteur-sans-expert"))
    html = client.get(reverse("geste_footage_detail", args=[footage.pk])).content.decode()
    assert "Confier la relecture" in html and "Relecture confiée à" not in html


def _review_link_class(html: str) -> str:
    return re.search(r'<p class="geste-review-link">\s*<a class="([^"]+)"', html).group(1)


@pytest.mark.parametrize("who, status, with_expert, primary", [
    ("designer", Footage.Status.IN_REVIEW, True, False),  # walk 45: the expert has them, nothing to do here
    ("designer", Footage.Status.IN_REVIEW, False, True),  # nobody else will add or check the steps
    ("designer", Footage.Status.CHANGES_REQUESTED, True, True),  # sent back: the designer's turn
    ("designer", Footage.Status.APPROVED, True, False),
    ("expert", Footage.Status.IN_REVIEW, True, True),
    ("expert", Footage.Status.CHANGES_REQUESTED, True, False),  # back with the designer
])
def test_the_review_is_the_main_button_only_for_whose_turn_it_is(client, who, status, with_expert, primary):
    expert = factories.expert(username="expert-tour")
    footage = factories.FootageFactory(status=status, expert=expert if with_expert else None)
    client.force_login(expert if who == "expert" else factories.designer(username="auteur-tour"))
    html = client.get(reverse("geste_footage_detail", args=[footage.pk])).content.decode()
    classes = _review_link_class(html).split()
    assert "button" in classes
    assert ("button-secondary" not in classes) is primary
