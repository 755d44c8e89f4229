"""Caption tracks per language: transcribe (French) and translate (English) each merge their own
track into ``Footage.renditions["captions"]``; the admin page and the learner manifest offer both,
French first and default. The stages' database side runs here on real stored files; Whisper itself
runs in tests/capsules/test_workflow.py."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from capsules.models import Footage, PipelineRun, StageRun, Transcript
from capsules.pipeline.runner import Skip, StageContext
from capsules.pipeline.stages import get_stage
from tests import factories, pages

pytestmark = pytest.mark.django_db

SEGMENTS = {
    "transcribe": [{"start": 0.5, "end": 2.0, "text": "Coupez l'eau.", "words": []}],
    "translate": [{"start": 0.5, "end": 2.0, "text": "Turn off the water.", "words": []}],
}


VTT = b"WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nCoupez l'eau.\n"


def _ctx(footage: Footage, name: str, audio: bool = True) -> StageContext:
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.RUNNING)
    stage = StageRun.objects.create(run=run, name=name, status=StageRun.Status.RUNNING)
    up = StageRun.objects.create(run=run, name="audio",
                                 status=StageRun.Status.SUCCEEDED if audio else StageRun.Status.SKIPPED)
    return StageContext(stage=stage, run=run, footage=footage, upstream={"audio": up})


def _stored(footage: Footage, name: str, tag: str) -> tuple[dict, str]:
    """Store what compute() would have produced for ``name`` (a transcript and a VTT); (manifest, prefix)."""
    prefix = f"footage/{footage.checksum[:2]}/{footage.checksum}/{name}/{tag}"
    lang = "fr" if name == "transcribe" else "en"
    data = {"language": "fr", "duration": 5.0, "model": "whisper-base", "task": name, "segments": SEGMENTS[name]}
    files = {"transcript": "t.json", "captions": f"captions.{lang}.vtt"}
    default_storage.save(f"{prefix}/t.json", ContentFile(json.dumps(data).encode()))
    default_storage.save(f"{prefix}/{files['captions']}", ContentFile(VTT))
    return {"files": files, "language": lang}, prefix


@pytest.mark.parametrize("order", [("transcribe", "translate"), ("translate", "transcribe")])
def test_each_stage_merges_its_language_and_keeps_the_others(storage_root, order):
    footage = factories.FootageFactory(renditions={"mp4": "m/low.mp4", "captions": {"fr": "old/captions.fr.vtt"}})
    expected = {}
    for name in order:
        manifest, prefix = _stored(footage, name, "k1")
        get_stage(name).apply(_ctx(footage, name), manifest, prefix)
        expected["fr" if name == "transcribe" else "en"] = f"{prefix}/{manifest['files']['captions']}"
    footage.refresh_from_db()
    assert footage.renditions["captions"] == expected and footage.renditions["mp4"] == "m/low.mp4"
    assert Transcript.objects.get(footage=footage, task="translate").language == "en"
    assert Transcript.objects.get(footage=footage, task="translate").segments == SEGMENTS["translate"]

    # A re-transcribe with other settings replaces only the French track; English survives.
    manifest, prefix = _stored(footage, "transcribe", "k2")
    get_stage("transcribe").apply(_ctx(footage, "transcribe"), manifest, prefix)
    footage.refresh_from_db()
    assert footage.renditions["captions"] == {**expected, "fr": f"{prefix}/captions.fr.vtt"}


def test_translate_skips_when_off_without_audio_or_already_english(settings):
    stage = get_stage("translate")
    footage = factories.FootageFactory(language="fr")
    on_key = stage.settings_key(_ctx(footage, "translate"))
    stage.check(_ctx(footage, "translate"))  # French footage with audio: translated

    with pytest.raises(Skip, match="Pas de piste audio"):
        stage.check(_ctx(footage, "translate", audio=False))
    footage.language = "en"
    with pytest.raises(Skip, match="déjà en anglais"):
        stage.check(_ctx(footage, "translate"))
    settings.GESTE_TRANSLATE_CAPTIONS = False
    with pytest.raises(Skip, match="désactivés"):
        stage.check(_ctx(footage, "translate"))
    # Off has its own key, so a translation stored while it was on is not reused (and re-applied).
    assert stage.settings_key(_ctx(footage, "translate")) != on_key


def test_translate_settings_key_follows_what_changes_the_words(settings):
    stage = get_stage("translate")
    footage = factories.FootageFactory(language="fr")
    keys = {stage.settings_key(_ctx(footage, "translate"))}
    footage.language = "es"
    keys.add(stage.settings_key(_ctx(footage, "translate")))
    settings.GESTE_WHISPER_BEAM_SIZE = 1
    keys.add(stage.settings_key(_ctx(footage, "translate")))
    footage.skills_block.certification.vocabulary = "siphon"
    keys.add(stage.settings_key(_ctx(footage, "translate")))
    settings.GESTE_WHISPER_MODEL_DIR = "/models/whisper-small"
    keys.add(stage.settings_key(_ctx(footage, "translate")))
    assert len(keys) == 5
    settings.GESTE_WHISPER_THREADS = 7  # the same words, faster or slower
    assert stage.settings_key(_ctx(footage, "translate")) in keys


def test_admin_page_and_learner_manifest_offer_french_then_english(client, storage_root):
    prefix = "footage/ab/tracks"
    for name in ("captions.fr.vtt", "captions.en.vtt", "low.mp4"):
        default_storage.save(f"{prefix}/{name}", ContentFile(VTT))
    # English first in the dict, as when translate finished before transcribe.
    footage = factories.FootageFactory(renditions={
        "mp4": f"{prefix}/low.mp4",
        "captions": {"en": f"{prefix}/captions.en.vtt", "fr": f"{prefix}/captions.fr.vtt"}})

    client.force_login(factories.designer())
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    tracks = re.findall(r"<track [^>]*>", body)
    assert [re.search(r'srclang="(\w+)" label="(\w+)"', t).groups() for t in tracks] == [
        ("fr", "Français"), ("en", "Anglais")]
    assert "default" in tracks[0] and "default" not in tracks[1]

    capsule = factories.CapsuleFactory(footage=footage)
    pages.capsule_page(capsule)
    learner = Client()
    learner.force_login(factories.learner())
    data = learner.get(reverse("learner-manifest", args=[capsule.pk])).json()
    # the learner's interface is French: "Sous-titres : Anglais", not "English"
    assert [(c["lang"], c["label"]) for c in data["captions"]] == [("fr", "Français"), ("en", "Anglais")]
    assert data["captions"][1]["src"].endswith("captions.en.vtt")


def test_transcode_finishing_late_keeps_captions_saved_meanwhile(storage_root):
    """The footage a transcode task loaded at its start has no captions yet; when it saves its
    renditions after transcribe saved French captions, the captions must survive."""
    footage = factories.FootageFactory(renditions={})
    stale = Footage.objects.get(pk=footage.pk)  # what the transcode task holds in ctx.footage
    manifest, prefix = _stored(footage, "transcribe", "k1")
    get_stage("transcribe").apply(_ctx(footage, "transcribe"), manifest, prefix)
    transcode_ctx = _ctx(stale, "transcode")
    get_stage("transcode").apply(transcode_ctx, {"files": {"mp4": "low.mp4", "master_playlist": "master.m3u8"},
                                                 "variants": [{"height": 360}]}, "footage/x/transcode/k")
    footage.refresh_from_db()
    assert footage.renditions["captions"] == {"fr": f"{prefix}/captions.fr.vtt"}
    assert footage.renditions["mp4"] == "footage/x/transcode/k/low.mp4"


def test_a_translation_left_in_french_is_not_published_as_english(storage_root):
    """Whisper base's translate task on synthetic (espeak) French returned French words (seen in the
    demo); such text must not become the 'English' track."""
    from media_pipeline.language_check import language_share

    seen = "d'un bon, je s'enlèque ou à mècle à clé. La, je t'apprecle au manteau. Après, je prenais la pièce."
    assert language_share(seen, "en") < 0.5
    assert language_share("Turn off the water, then remove the nut with the wrench.", "en") >= 0.9
    assert language_share("", "en") == 0.0

    footage = factories.FootageFactory(renditions={"captions": {"fr": "x/captions.fr.vtt"}})
    manifest = {"files": {}, "source_language": "fr", "language": "en", "english_share": 0.1}
    with pytest.raises(Skip, match="10 % de mots anglais"):
        get_stage("translate").apply(_ctx(footage, "translate"), manifest, "footage/x/translate/k")
    footage.refresh_from_db()
    assert footage.renditions["captions"] == {"fr": "x/captions.fr.vtt"}
    assert not Transcript.objects.filter(footage=footage, task="translate").exists()


def test_has_cues_reads_the_cues_not_the_header():
    from media_pipeline.vtt import has_cues

    assert not has_cues("WEBVTT\n")
    assert not has_cues("WEBVTT\r\n\r\nNOTE nothing said\r\n")
    assert not has_cues("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n\n")
    assert has_cues(VTT.decode())
    assert has_cues("WEBVTT\r\n\r\n1\r\n00:00:00.000 --> 00:00:01.000\r\nHello\r\n")


def test_a_header_only_track_is_never_offered(client, storage_root):
    """Whisper's translate task produced nothing (seen on a first `make run`): captions.en.vtt held
    only the WEBVTT header, yet the player offered "Sous-titres : Anglais"."""
    prefix = "footage/ab/empty"
    default_storage.save(f"{prefix}/captions.fr.vtt", ContentFile(VTT))
    default_storage.save(f"{prefix}/captions.en.vtt", ContentFile(b"WEBVTT\n"))
    footage = factories.FootageFactory(renditions={
        "mp4": f"{prefix}/low.mp4",
        "captions": {"en": f"{prefix}/captions.en.vtt", "fr": f"{prefix}/captions.fr.vtt"}})
    client.force_login(factories.designer())
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    assert re.findall(r'<track [^>]*srclang="(\w+)"', body) == ["fr"]

    capsule = factories.CapsuleFactory(footage=footage)
    pages.capsule_page(capsule)
    learner = Client()
    learner.force_login(factories.learner())
    data = learner.get(reverse("learner-manifest", args=[capsule.pk])).json()
    assert [c["lang"] for c in data["captions"]] == ["fr"]


def test_translate_with_no_cues_skips_in_french(storage_root):
    footage = factories.FootageFactory(renditions={"captions": {"fr": "x/captions.fr.vtt"}})
    manifest = {"files": {}, "source_language": "fr", "language": "en", "no_cues": True}
    with pytest.raises(Skip, match="aucun sous-titre anglais"):
        get_stage("translate").apply(_ctx(footage, "translate"), manifest, "footage/x/translate/k")
    # A manifest stored before this check (a transcript of no segments, a header-only VTT) skips too.
    manifest, prefix = _stored(footage, "translate", "k2")
    default_storage.delete(f"{prefix}/t.json")
    default_storage.save(f"{prefix}/t.json", ContentFile(json.dumps({"segments": [], "duration": 5.0}).encode()))
    with pytest.raises(Skip, match="aucun sous-titre anglais"):
        get_stage("translate").apply(_ctx(footage, "translate"), manifest, prefix)
    footage.refresh_from_db()
    assert footage.renditions["captions"] == {"fr": "x/captions.fr.vtt"}
    assert not Transcript.objects.filter(footage=footage, task="translate").exists()


def test_translate_skips_when_the_transcription_found_no_speech():
    """English subtitles translate the commentary: none where the transcription heard no word (a walk saw
    Whisper's translate task offer « He is nice. » on a clip whose French transcript was empty)."""
    stage = get_stage("translate")
    footage = factories.FootageFactory(language="fr")

    def ctx_after(segments):
        ctx = _ctx(footage, "translate")
        manifest, prefix = _stored(footage, "transcribe", f"t{len(segments)}")
        key = f"{prefix}/{manifest['files']['transcript']}"
        default_storage.delete(key)
        default_storage.save(key, ContentFile(json.dumps({"language": "fr", "segments": segments}).encode()))
        ctx.upstream["transcribe"] = StageRun.objects.create(
            run=ctx.run, name="transcribe", status=StageRun.Status.SUCCEEDED,
            output_keys={"prefix": prefix, "manifest": manifest})
        return ctx

    stage.check(ctx_after(SEGMENTS["transcribe"]))  # words heard: translated
    with pytest.raises(Skip, match="Aucune parole"):
        stage.check(ctx_after([]))
    with pytest.raises(Skip, match="Aucune parole"):
        stage.check(ctx_after([{"start": 0.0, "end": 1.0, "text": "  ", "words": []}]))


def test_machine_translated_captions_say_so_until_a_person_corrects_them(client, storage_root):
    """Walk 30: the English captions are Whisper's translation of the French audio (« robinet » became
    "cabinet") yet the learner's menu and the footage page called them just « Anglais ». A machine
    translation is labelled as one; English captions a person corrected, or English heard in English
    audio, are not."""
    prefix = "footage/ab/machine"
    for name in ("captions.fr.vtt", "captions.en.vtt"):
        default_storage.save(f"{prefix}/{name}", ContentFile(VTT))
    footage = factories.FootageFactory(renditions={
        "mp4": f"{prefix}/low.mp4",
        "captions": {"fr": f"{prefix}/captions.fr.vtt", "en": f"{prefix}/captions.en.vtt"}})
    Transcript.objects.create(footage=footage, task="transcribe", language="fr", segments=SEGMENTS["transcribe"])
    translation = Transcript.objects.create(footage=footage, task="translate", language="en",
                                            segments=SEGMENTS["translate"])
    capsule = factories.CapsuleFactory(footage=footage)
    pages.capsule_page(capsule)
    designer, learner = factories.designer(), Client()
    learner.force_login(factories.learner())

    def labels():
        from capsules import pages as capsule_pages

        capsule_pages.new_content_generation()  # the manifest's shared part is cached
        client.force_login(designer)
        body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
        admin = re.findall(r'<track [^>]*srclang="(\w+)" label="([^"]+)"', body)
        data = learner.get(reverse("learner-manifest", args=[capsule.pk])).json()
        return admin, [(c["lang"], c["label"], c.get("machine", False)) for c in data["captions"]]

    admin, manifest = labels()
    assert admin == [("fr", "Français"), ("en", "Anglais (traduction automatique)")]
    assert manifest == [("fr", "Français", False), ("en", "Anglais (traduction automatique)", True)]

    translation.edited = True  # a person corrected the English text
    translation.save()
    admin, manifest = labels()
    assert admin == [("fr", "Français"), ("en", "Anglais")]
    assert manifest == [("fr", "Français", False), ("en", "Anglais", False)]

    # English audio: the English track is its transcription, not a translation.
    translation.delete()
    Transcript.objects.filter(footage=footage, task="transcribe").update(language="en")
    footage.renditions = {**footage.renditions, "captions": {"en": f"{prefix}/captions.en.vtt"}}
    footage.save()
    admin, manifest = labels()
    assert admin == [("en", "Anglais")] and manifest == [("en", "Anglais", False)]
