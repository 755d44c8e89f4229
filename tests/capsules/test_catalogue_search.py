"""Catalogue search: live capsules found by title, steps, key points and what the expert says,
French-aware (accents, case, plurals, verb forms), ranked by matched terms, drafts never shown,
the query escaped, each spoken hit linked to the capsule page at its time (#t=, from the capsule's start)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from capsules.learning.text_search import fold, match_text, parse_query
from capsules.learning.views import live_capsule_or_404, live_capsule_pages
from capsules.models import KeyPoint, Step, Transcript
from cms.search import search_catalogue
from tests import factories, pages

pytestmark = pytest.mark.django_db

SEARCH = "/recherche/"


def seg(start: float, end: float, text: str) -> dict:
    """A Whisper-shaped segment with word times spread over it."""
    words = text.split()
    step = (end - start) / len(words)
    return {
        "start": start,
        "end": end,
        "text": " " + text,
        "words": [{"start": start + i * step, "end": start + (i + 1) * step, "word": " " + w}
                  for i, w in enumerate(words)],
    }


@pytest.fixture
def catalogue():
    """Two capsules cut from one footage (the second starts at 30 s), a live one elsewhere, and a draft."""
    block = factories.SkillsBlockFactory(title="Réaliser des travaux de plomberie sanitaire")
    footage = factories.FootageFactory(duration=60.0, skills_block=block)
    Step.objects.create(footage=footage, order=0, start=0, end=12, title="Couper l'arrivée d'eau")
    s2 = Step.objects.create(footage=footage, order=1, start=12, end=28, title="Dévisser l'écrou du siphon")
    Step.objects.create(footage=footage, order=2, start=30, end=50, title="Poser le joint neuf")
    KeyPoint.objects.create(footage=footage, step=s2, time=14, text="Placez une bassine sous le siphon.")
    Transcript.objects.create(footage=footage, language="fr", duration=60, segments=[
        seg(1.0, 4.0, "Je ferme d'abord le robinet d'arrêt."),
        seg(13.0, 17.5, "Ensuite je dévisse les écrous à la main, sans pince."),
        seg(33.0, 37.0, "On vérifie que la portée du joint est bien propre."),
        seg(44.5, 48.0, "Attention aux raccords en laiton : serrez sans forcer."),
    ])
    # A translation track must never be searched as what the expert says.
    Transcript.objects.create(footage=footage, task="translate", language="en", segments=[
        seg(1.0, 4.0, "First I close the stopcock gizmo."),
    ])
    first = factories.CapsuleFactory(footage=footage, skills_block=block, title="Démonter un siphon",
                                     start=0, end=30, order=1)
    second = factories.CapsuleFactory(footage=footage, skills_block=block, title="Remonter le siphon étanche",
                                      start=30, end=None, order=2, summary="Le joint se pose à sec.")
    other_footage = factories.FootageFactory(duration=40.0, skills_block=block)
    Transcript.objects.create(footage=other_footage, language="fr", segments=[
        seg(5.0, 9.0, "Le siphon se dévisse à la main."),
    ])
    other = factories.CapsuleFactory(footage=other_footage, skills_block=block, title="Déboucher un lavabo", order=3)
    draft_footage = factories.FootageFactory(duration=30.0, skills_block=block)
    Step.objects.create(footage=draft_footage, order=0, start=0, end=10, title="Purger le cumulus")
    Transcript.objects.create(footage=draft_footage, language="fr", segments=[
        seg(2.0, 6.0, "Le groupe de sécurité protège le chauffe-eau."),
    ])
    draft = factories.CapsuleFactory(footage=draft_footage, skills_block=block, title="Vidanger un chauffe-eau",
                                     order=4)
    p1, p2, p3 = pages.capsule_page(first), pages.capsule_page(second), pages.capsule_page(other)
    draft_page = pages.capsule_page(draft, publish=False)
    return {"first": first, "second": second, "other": other, "draft": draft,
            "pages": {"first": p1, "second": p2, "other": p3, "draft": draft_page}}


def hit_titles(q: str) -> list[str]:
    return [re.sub(r"</?mark>", "", h.title_html) for h in search_catalogue(q).hits]


def get(q: str, client=None):
    response = (client or Client()).get(SEARCH, {"q": q})
    assert response.status_code == 200
    return response


# --- text matching -----------------------------------------------------------------------


def test_folding_and_keys_match_accents_plurals_and_verb_forms():
    assert fold("Écrou ŒUVRE Tournevis") == "ecrou oeuvre tournevis"
    for query, text in [("ecrou", "Dévissez l'écrou."), ("écrous", "l'ecrou"), ("ÉCROU", "écrous"),
                        ("joints", "le joint"), ("devisser", "Dévissez"), ("dévissez", "dévisser"),
                        ("travaux", "un travail"), ("raccord", "RACCORDS"), ("CLES", "la clé"),
                        ("eaux", "l'eau")]:
        assert match_text(parse_query(query), text), (query, text)
    for query, text in [("vis", "il faut voir"), ("joint", "la jointure"), ("siphon", "le robinet")]:
        assert match_text(parse_query(query), text) is None, (query, text)


def test_query_drops_function_words_and_duplicates_but_keeps_a_lone_one():
    assert [t.text for t in parse_query("Le joint du siphon, le JOINT").terms] == ["joint", "siphon"]
    assert [t.text for t in parse_query("sur").terms] == ["sur"]
    assert not parse_query("  ") and not parse_query("a <") and not parse_query(None)


# --- catalogue -----------------------------------------------------------------------------


def test_title_with_and_without_accents(catalogue):
    assert hit_titles("étanche") == ["Remonter le siphon étanche"]
    assert hit_titles("ETANCHE") == ["Remonter le siphon étanche"]
    assert hit_titles("deboucher") == ["Déboucher un lavabo"]


def test_plural_query_finds_singular_step_title_with_time_link(catalogue):
    results = search_catalogue("joints neufs")
    assert [h.capsule_id for h in results.hits] == [catalogue["second"].pk]
    step = next(p for p in results.hits[0].passages if p.kind == "step")
    assert step.html == "Poser le <mark>joint</mark> <mark>neuf</mark>"
    # The step starts at 30 s of the footage, which is the capsule's start.
    assert step.time == 0 and step.url == catalogue["pages"]["second"].url + "#t=0"


def test_term_only_spoken_is_found_at_its_time_in_the_right_capsule(catalogue):
    results = search_catalogue("laiton")  # said at 44.5 s of the footage; the capsule starts at 30 s
    assert [h.capsule_id for h in results.hits] == [catalogue["second"].pk]
    (passage,) = results.hits[0].passages
    assert passage.kind == "speech" and passage.time == pytest.approx(14.5)
    assert passage.url == f"{catalogue['pages']['second'].url}#t=14.5"
    assert passage.clock == "0:14"
    assert "<mark>laiton</mark>" in passage.html

    response = get("LAITON")
    html = response.content.decode()
    assert f'href="{catalogue["pages"]["second"].url}#t=14.5"' in html
    assert "<mark>laiton</mark>" in html and "Démonter un siphon" not in html


def test_spoken_verb_form_and_key_point_are_found_within_the_capsule_range(catalogue):
    results = search_catalogue("dévisser")
    by_id = {h.capsule_id: h for h in results.hits}
    assert set(by_id) == {catalogue["first"].pk, catalogue["other"].pk}  # not the 30-60 s capsule
    kinds = {(p.kind, p.time) for p in by_id[catalogue["first"].pk].passages}
    assert ("step", 12) in kinds and ("speech", 13) in kinds
    bassine = search_catalogue("bassines").hits
    assert [(h.capsule_id, p.kind, p.time) for h in bassine for p in h.passages] == [
        (catalogue["first"].pk, "key_point", 14)
    ]


def test_ranking_by_number_of_matched_terms(catalogue):
    results = search_catalogue("siphon main pince")
    ids = [h.capsule_id for h in results.hits]
    # "Démonter un siphon" has all three (title, then spoken "à la main, sans pince"),
    # "Déboucher un lavabo" two (spoken "siphon … à la main"), "Remonter le siphon" one.
    assert ids == [catalogue["first"].pk, catalogue["other"].pk, catalogue["second"].pk]
    assert [len(h.terms) for h in results.hits] == [3, 2, 1]


def test_presentation_and_page_title_are_searched(catalogue):
    page = catalogue["pages"]["other"]
    page.intro = "<p>Quand l&#x27;évier <b>refoule</b>&nbsp;: la ventouse d&#x27;abord.</p>"
    page.title = "Lavabo bouché"
    page.save_revision().publish()
    (hit,) = search_catalogue("ventouses").hits
    assert hit.capsule_id == catalogue["other"].pk and hit.title_html == "Déboucher un lavabo"
    (passage,) = hit.passages
    assert passage.kind == "summary" and passage.time is None and passage.url == page.url
    assert passage.html == "Quand l&#x27;évier refoule\xa0: la <mark>ventouse</mark> d&#x27;abord."
    assert [h.capsule_id for h in search_catalogue("bouche").hits] == [catalogue["other"].pk]  # page title
    assert [(h.capsule_id, h.passages[0].kind) for h in search_catalogue("sec").hits] == [
        (catalogue["second"].pk, "summary")  # Capsule.summary
    ]


def test_presentation_written_from_the_summary_is_one_passage_not_two(catalogue):
    page = catalogue["pages"]["second"]
    page.intro = "<p>Le joint se pose <b>à sec</b>.</p>"  # what authoring writes from Capsule.summary
    page.save_revision().publish()
    (hit,) = search_catalogue("sec").hits
    assert [p.kind for p in hit.passages] == ["summary"] and hit.more == 0
    page.intro = "<p>Une autre présentation, sèche.</p>"  # a different text: both are shown
    page.save_revision().publish()
    (hit,) = search_catalogue("sec").hits
    assert [p.kind for p in hit.passages] == ["summary", "summary"]


def test_unpublished_changes_of_a_live_page_are_not_searched(catalogue):
    page = catalogue["pages"]["other"]
    page.intro = "<p>Brouillon : la ventouse.</p>"
    page.save_revision()  # saved, not published
    assert search_catalogue("ventouse").hits == ()
    page.get_latest_revision().publish()
    assert search_catalogue("ventouse").total == 1


def test_an_edited_transcript_is_searched_as_edited(catalogue):
    assert search_catalogue("laiton").total == 1
    transcript = Transcript.objects.get(footage=catalogue["second"].footage, task="transcribe")
    transcript.segments[3]["text"] = "Attention aux raccords en cuivre : serrez sans forcer."
    transcript.save()
    assert search_catalogue("laiton").total == 0
    assert search_catalogue("cuivre").hits[0].passages[0].time == pytest.approx(14.5)


def test_translation_track_is_not_searched(catalogue):
    assert search_catalogue("stopcock").hits == ()


def test_draft_and_unpublished_capsules_are_never_found(catalogue):
    for q in ("cumulus", "chauffe", "vidanger", "sécurité"):
        assert hit_titles(q) == [], q
        assert "Vidanger" not in get(q).content.decode()
    designer = factories.designer()
    staff = Client()
    staff.force_login(designer)
    assert "Vidanger" not in get("cumulus", staff).content.decode()  # not even for a designer

    assert hit_titles("lavabo") == ["Déboucher un lavabo"]
    catalogue["pages"]["other"].unpublish()
    assert hit_titles("lavabo") == []
    # A live capsule under an unpublished skills block page is hidden too.
    block_page = catalogue["pages"]["first"].get_parent().specific
    block_page.unpublish()
    assert hit_titles("siphon") == []


def test_search_and_learner_api_share_one_visibility_rule(catalogue):
    """live_capsule_pages is the rule of live_capsule_or_404, as a set."""
    from django.http import Http404

    catalogue["pages"]["other"].unpublish()
    capsules = [catalogue[k] for k in ("first", "second", "other", "draft")]

    def api_visible(capsule):
        try:
            live_capsule_or_404(capsule.pk)
            return True
        except Http404:
            return False

    visible = set(live_capsule_pages().values_list("capsule_id", flat=True))
    assert {c.pk for c in capsules if api_visible(c)} == visible == {catalogue["first"].pk, catalogue["second"].pk}
    catalogue["pages"]["first"].get_parent().specific.unpublish()
    assert not live_capsule_pages().exists() and not api_visible(catalogue["first"])


def test_html_in_query_is_escaped(catalogue):
    html = get('<script>alert("x")</script> siphon').content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; siphon" in html
    assert 'value="&lt;script&gt;' in html


def test_html_in_indexed_text_is_escaped_around_the_marks(catalogue):
    Step.objects.create(footage=catalogue["first"].footage, order=5, start=20, end=25,
                        title="Serrer <b>fort</b> & <img src=x onerror=alert(1)> l'écrou")
    html = get("fort").content.decode()
    assert "<img src=x" not in html and "<b>" not in html
    assert "Serrer &lt;b&gt;<mark>fort</mark>&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in html


def test_empty_and_useless_queries_do_not_fail(catalogue):
    for q in ("", "   ", "a", "<", "l'"):
        html = get(q).content.decode()
        assert 'role="search"' in html and "search-hit" not in html
    assert "Tapez au moins un mot" in get("a").content.decode()
    assert Client().get(SEARCH).status_code == 200  # no q at all
    assert "Aucune capsule trouvée pour «&nbsp;zzzzzz&nbsp;»." in get("zzzzzz").content.decode()


def test_page_is_accessible_markup_and_linked_from_the_catalogue_header(catalogue):
    home = Client().get(pages.home().url).content.decode()
    header = home.split("</header>")[0]
    assert 'role="search"' in header and f'action="{reverse("catalogue-search")}"' in header
    assert re.search(r'<label class="sr-only" for="header-q">', header)
    capsule_html = Client().get(catalogue["pages"]["first"].url).content.decode()
    assert 'role="search"' in capsule_html.split("</header>")[0]

    html = get("siphon").content.decode()
    assert html.count('role="search"') == 1  # the header form gives way to the page's own
    assert re.search(r'<label id="search-label" for="search-q">', html)
    assert '<ol class="search-results">' in html
    assert len(re.findall(r'<li class="card search-hit">\s*<h2><a href="', html)) == 3
    assert 'role="status"' in html and "3 capsules trouvées" in html


def test_only_pages_of_the_current_site_and_under_its_root(catalogue, settings):
    from wagtail.models import Page, Site

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "autre.example"]
    # A second site whose root is an empty page: nothing of the catalogue belongs to it.
    root = Page.objects.get(depth=1)
    other_home = root.add_child(instance=Page(title="Autre site", slug="autre-site", live=True))
    Site.objects.create(hostname="autre.example", root_page=other_home, is_default_site=False)
    try:
        assert "search-hit" not in Client(HTTP_HOST="autre.example").get(SEARCH, {"q": "siphon"}).content.decode()
        assert "search-hit" in Client().get(SEARCH, {"q": "siphon"}).content.decode()
    finally:
        # The rollback removes the site but not Wagtail's cached site list (it would make later URLs absolute).
        Site.clear_site_root_paths_cache()


def test_page_speaks_english_to_an_english_browser(catalogue):
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(SEARCH, {"q": "siphon écrou"}).content.decode()
    assert 'lang="en"' in html and "3 capsules found for “siphon écrou”." in html
    assert "Step:" in html and "The expert says:" in html and "2 words of 2" in html
    french = get("siphon écrou").content.decode()
    assert "Étape\u00a0:" in french and "L&#x27;expert dit\u00a0:" in french
