"""A small published capsule with real media, for the player's browser test and the page-weight bench.

Media: a 12-s 640x360 clip with French speech (espeak-ng), turned into an HLS ladder (180p + 360p),
the low-rung MP4 and a poster by ``media_pipeline.transcode`` (the product's own transcode: if it
breaks, the player tests fail with it), plus
French and English WebVTT captions and step keyframes written here.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from capsules import models
from tests import factories, pages
from tests.baseline import ensure_baseline
from tests.mediagen import espeak_wav, make_clip

DURATION = 12.0
SPEECH = "Préparez le siphon. Dévissez l'écrou à la main. Serrez le joint avec la clé."
STEPS = [(0.0, 4.0, "Préparer le siphon"), (4.0, 8.0, "Dévisser l'écrou"), (8.0, 12.0, "Serrer le joint")]
WORDS = [
    ("Préparez", 0.3, 0.9),
    ("le", 0.9, 1.1),
    ("siphon.", 1.1, 1.8),
    ("Dévissez", 4.2, 4.9),
    ("l'écrou", 4.9, 5.6),
    ("à", 5.6, 5.7),
    ("la", 5.7, 5.9),
    ("main.", 5.9, 6.5),
    ("Serrez", 8.2, 8.8),
    ("le", 8.8, 9.0),
    ("joint", 9.0, 9.5),
    ("avec", 9.5, 9.8),
    ("la", 9.8, 9.9),
    ("clé.", 9.9, 10.5),
]


def _vtt(cues: list[tuple[float, float, str]]) -> str:
    def ts(t: float) -> str:
        return f"00:00:{int(t):02d}.{int(round((t % 1) * 1000)):03d}"

    return "WEBVTT\n\n" + "\n\n".join(f"{ts(a)} --> {ts(b)}\n{text}" for a, b, text in cues) + "\n"


def build_media(out: Path) -> Path:
    """Make (once) the clip and every derived file under ``out/files``; returns that folder."""
    files = out / "files"
    if (files / "done").exists():
        return files
    shutil.rmtree(files, ignore_errors=True)
    files.mkdir(parents=True)
    speech = espeak_wav(SPEECH, out / "speech.wav", speed=130)
    src = make_clip(out / "source.mp4", duration=DURATION, audio=speech)
    from media_pipeline.probe import probe
    from media_pipeline.transcode import Rung, TranscodeSettings, transcode

    ladder = (Rung("180p", 180, 200, 48), Rung("360p", 360, 450, 64))
    result = transcode(src, files / "hls", probe(src), TranscodeSettings(ladder=ladder, preset="ultrafast"))
    rel = {
        "master_playlist": f"hls/{result.master_playlist}",
        "mp4": f"hls/{result.mp4}",
        "poster": f"hls/{result.poster}",
        "variants": [v.to_dict() for v in result.variants],
    }
    (files / "captions.fr.vtt").write_text(
        _vtt(
            [
                (0.3, 1.8, "Préparez le siphon."),
                (4.2, 6.5, "Dévissez l'écrou à la main."),
                (8.2, 10.5, "Serrez le joint avec la clé."),
            ]
        )
    )
    (files / "captions.en.vtt").write_text(
        _vtt(
            [
                (0.3, 1.8, "Prepare the trap."),
                (4.2, 6.5, "Unscrew the nut by hand."),
                (8.2, 10.5, "Tighten the seal with the wrench."),
            ]
        )
    )
    for i, (start, _end, _title) in enumerate(STEPS):
        subprocess.run(
            [
                "ffmpeg",
                "-y",
                "-v",
                "error",
                "-ss",
                str(start + 1),
                "-i",
                str(src),
                "-frames:v",
                "1",
                "-vf",
                "scale=192:-2",
                str(files / f"step{i}.jpg"),
            ],
            check=True,
        )
    import json

    (files / "rel.json").write_text(json.dumps(rel))
    (files / "done").write_text("ok")
    return files


def publish_capsule(files: Path, storage_root: Path, *, prefix: str | None = None) -> dict:
    """Copy the media into MEDIA_ROOT and create the domain objects and the live page tree.

    The media go under the footage's canonical key (footage/<2 hex>/<sha256>/test), the only form
    the media view serves."""
    import json
    import secrets

    ensure_baseline()
    checksum = secrets.token_hex(32)
    prefix = prefix or factories.footage_key(checksum, "test", "").rstrip("/")

    shutil.copytree(files, Path(storage_root) / prefix, dirs_exist_ok=True)
    rel = json.loads((files / "rel.json").read_text())
    renditions = {k: f"{prefix}/{v}" for k, v in rel.items() if k != "variants"}
    renditions["variants"] = rel["variants"]
    renditions["captions"] = {"fr": f"{prefix}/captions.fr.vtt", "en": f"{prefix}/captions.en.vtt"}
    footage = factories.FootageFactory(
        duration=DURATION, renditions=renditions, status="approved", title="Remplacement d'un joint de siphon",
        checksum=checksum,
    )
    steps = [
        models.Step.objects.create(
            footage=footage, order=i, start=a, end=b, title=t, approved=True, keyframe=f"{prefix}/step{i}.jpg"
        )
        for i, (a, b, t) in enumerate(STEPS)
    ]
    models.KeyPoint.objects.create(
        footage=footage,
        step=steps[1],
        time=5.5,
        kind="safety",
        text="Coupez l'arrivée d'eau avant de dévisser.",
    )
    models.Transcript.objects.create(
        footage=footage,
        language="fr",
        duration=DURATION,
        segments=[
            {
                "start": a,
                "end": b,
                "text": t,
                "words": [{"start": ws, "end": we, "word": w} for w, ws, we in WORDS if a <= ws < b],
            }
            for a, b, t in [
                (0.3, 1.8, "Préparez le siphon."),
                (4.2, 6.5, "Dévissez l'écrou à la main."),
                (8.2, 10.5, "Serrez le joint avec la clé."),
            ]
        ],
    )
    capsule = factories.CapsuleFactory(
        footage=footage, title="Remplacer le joint d'un siphon", skills_block=footage.skills_block
    )
    q1 = models.Interaction.objects.create(
        capsule=capsule,
        time=5.0,
        kind="single_choice",
        step=steps[1],
        mandatory=True,
        # Off: « Réessayer » is offered (with the option, « Revoir l'étape » is the way to try again, words 28).
        replay_step_on_wrong=False,
        prompt="Avant de dévisser l'écrou, que faut-il faire ?",
        choices=[
            {"id": "a", "text": "Couper l'arrivée d'eau", "feedback": "Oui, sinon l'eau jaillit."},
            {"id": "b", "text": "Serrer l'écrou au maximum", "feedback": "Non, cela abîme le joint."},
        ],
        answer_key={"correct": ["a"]},
        feedback_correct="C'est la première précaution.",
        feedback_wrong="Revoyez le début de l'étape.",
    )
    q2 = models.Interaction.objects.create(
        capsule=capsule,
        time=10.0,
        kind="true_false",
        step=steps[2],
        mandatory=False,
        prompt="On serre le joint avec une clé.",
        answer_key={"correct": True},
        feedback_correct="Exact.",
        feedback_wrong="Si : avec une clé.",
    )
    page = pages.capsule_page(capsule)
    return {"capsule": capsule, "footage": footage, "steps": steps, "q1": q1, "q2": q2, "page": page,
            "prefix": prefix}
