"""Walk 42: every footage page showed a yellow tag « anamorphic » under « Signalements », an English code with no
word of what it meant. Each of the probe's flags is said in French (and English), none as its code."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from media_pipeline import probe
from tests import factories

pytestmark = pytest.mark.django_db

ALL_FLAGS = ["no_audio", "vfr", "rotated", "portrait", "interlaced", "odd_dimensions", "anamorphic", "high_bit_depth"]


def _flags(client, footage) -> list[str]:
    page = client.get(reverse("geste_footage_detail", args=[footage.pk])).content.decode()
    box = re.search(r'<ul class="geste-flags".*?</ul>', page, re.S).group(0)
    return [html.unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in re.findall(r"<li[^>]*>(.*?)</li>", box, re.S)]


def test_every_flag_the_probe_sets_is_said_in_words(client):
    # Every flag the probe can set is listed here (its source names each once).
    source = open(probe.__file__, encoding="utf-8").read()
    assert sorted(set(re.findall(r'flags\.append\("(\w+)"\)', source))) == sorted(ALL_FLAGS)
    footage = factories.FootageFactory(duration=8.0, flags=ALL_FLAGS)
    designer = factories.designer(username="concepteur-w42")
    client.force_login(designer)
    said = _flags(client, footage)
    assert len(said) == len(ALL_FLAGS)
    for text, code in zip(said, ALL_FLAGS, strict=True):
        assert code not in text and "_" not in text and len(text.split()) >= 3, (code, text)
    assert "Pixels non carrés\u00a0: l'image est remise à ses proportions." in said
    page = client.get(reverse("geste_footage_detail", args=[footage.pk])).content.decode()
    assert '<h2 class="geste-flags__title" id="geste-flags-title">Signalements</h2>' in page  # a visible title
    profile = UserProfile.get_for_user(designer)
    profile.preferred_language = "en"
    profile.save()
    english = _flags(client, footage)
    assert "Non-square pixels: the picture is brought back to its proportions." in english, english
