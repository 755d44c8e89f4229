"""Audit 38: the LTI deep-linking catalogue (a course teacher picks Geste contents to place in Moodle) listed
capsules that Wagtail's « Confidentialité » keeps private (a password, signed-in users, some groups; on the
capsule page or on its block), and placed them on request: any teacher of any registered platform read their
titles, and a hand-made form (``cible=capsule:<id>``) got a signed deep link to a restricted capsule, or to
one whose block is restricted. Only published, unrestricted contents are offered and placed now."""

from __future__ import annotations

from html import unescape
from urllib.parse import urljoin

import pytest
import requests
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from capsules.interop.lti import targets
from tests import factories, pages
from tests.capsules.test_lti import form_of, launch, platform  # noqa: F401 - fixture
from tests.lti_platform import INSTRUCTOR, registration_for


def _restrict(page, kind: str) -> None:
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind,
                                                     password="secret" if kind == "password" else "")
    if kind == "groups":
        restriction.groups.add(Group.objects.create(name="Session de mars"))


@pytest.fixture
def contents(platform, storage_root):  # noqa: F811
    public = factories.CapsuleFactory(footage=factories.FootageFactory(duration=10.0), title="Capsule publique")
    pages.capsule_page(public)
    hidden = {}
    for kind in ("password", "groups", "login"):
        capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=10.0),
                                           skills_block=public.skills_block, title=f"Capsule privée {kind}")
        pages.capsule_page(capsule)
        _restrict(capsule.page, kind)
        hidden[kind] = capsule
    draft = factories.CapsuleFactory(footage=factories.FootageFactory(duration=10.0),
                                     skills_block=public.skills_block, title="Capsule brouillon")
    pages.capsule_page(draft, publish=False)
    hidden["draft"] = draft
    # a whole block made private: its capsules and the block itself are private too
    other = factories.CapsuleFactory(footage=factories.FootageFactory(duration=10.0), title="Capsule du bloc privé",
                                     skills_block=factories.SkillsBlockFactory(title="Bloc confidentiel"))
    pages.capsule_page(other)
    _restrict(other.skills_block.page, "login")
    hidden["block"] = other
    registration_for(platform)
    platform.add_person("t-1", "Claire", "Formatrice", [INSTRUCTOR])
    return public, hidden


@pytest.mark.django_db(transaction=True)
def test_restricted_and_unpublished_capsules_are_neither_listed_nor_placed(live_server, platform,  # noqa: F811
                                                                         contents):
    public, hidden = contents
    teacher = requests.Session()
    picker = launch(teacher, platform, "dl", "t-1")
    assert picker.status_code == 200, picker.text[:1000]
    shown = unescape(picker.text)
    assert public.title in shown
    for capsule in hidden.values():
        assert capsule.title not in shown, capsule.title
    assert hidden["block"].skills_block.title not in shown
    assert f"capsule:{hidden['password'].pk}" not in shown and f"bloc:{hidden['block'].skills_block_id}" not in shown

    # a hand-made choice of private contents: nothing is placed, the form comes back
    action, fields = form_of(picker.text)
    forged = [f"capsule:{c.pk}" for c in hidden.values()] + [f"bloc:{hidden['block'].skills_block_id}"]
    chosen = teacher.post(urljoin(picker.url, action), data={**fields, "cible": forged}, timeout=30)
    assert chosen.status_code == 400 and "Cochez au moins une capsule" in unescape(chosen.text)
    assert "lti13_deep_link_auto_submit" not in chosen.text and not platform.state.deep_link_items
    for capsule in hidden.values():
        assert capsule.title not in unescape(chosen.text)

    # the public capsule still goes through
    picker = launch(teacher, platform, "dl", "t-1")
    action, fields = form_of(picker.text)
    chosen = teacher.post(urljoin(picker.url, action),
                          data={**fields, "cible": [f"capsule:{public.pk}", f"capsule:{hidden['groups'].pk}"]},
                          timeout=30)
    assert chosen.status_code == 200
    return_url, jwt_form = form_of(chosen.text)
    assert teacher.post(return_url, data=jwt_form, timeout=30).status_code == 200
    assert [item["title"] for item in platform.state.deep_link_items] == [public.title]


@pytest.mark.django_db
def test_placeable_is_the_one_rule(storage_root):
    public = factories.CapsuleFactory(footage=factories.FootageFactory(duration=10.0))
    pages.capsule_page(public)
    assert targets.placeable(targets.Target("capsule", public.pk))
    assert targets.placeable(targets.Target("block", public.skills_block_id))
    _restrict(public.skills_block.page, "password")
    assert not targets.placeable(targets.Target("capsule", public.pk))
    assert not targets.placeable(targets.Target("block", public.skills_block_id))
    assert targets.catalogue() == []
    assert not targets.placeable(targets.Target("capsule", 999999))
