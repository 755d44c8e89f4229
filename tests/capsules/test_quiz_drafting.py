"""Quiz drafting on a real commentary: French sentences spoken by espeak-ng.

Two transcripts of the same commentary are used: one whose words are the script, timed from
the espeak-ng audio of each sentence (word times spread by syllable weight inside the measured
sentence), and the real Whisper (base) transcript of that audio, with its recognition errors.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from capsules.authoring.drafting import (
    DraftKeyPoint,
    DraftStep,
    draft_questions,
    key_terms,
    quantities,
    sentences,
)
from tests.mediagen import espeak_wav

SCRIPT = [
    # (step index, sentence)
    (0, "Avant de commencer, je coupe l'arrivée d'eau et je mets mes gants de protection."),
    (0, "Je place une bassine sous le siphon pour récupérer l'eau."),
    (1, "Ensuite, je dévisse l'écrou du siphon avec une clé à molette."),
    (2, "Je retire l'ancien joint et je nettoie soigneusement le siège du joint."),
    (2, "Je place le nouveau joint torique bien à plat dans sa gorge."),
    (3, "Puis je serre l'écrou avec la clé dynamométrique à 12 newtons-mètres."),
    (4, "Enfin, je rouvre l'arrivée d'eau et je vérifie l'étanchéité pendant 2 minutes."),
]
TITLES = [
    "Couper l'eau et se protéger",
    "Dévisser le siphon",
    "Changer le joint",
    "Serrer au couple",
    "Contrôler l'étanchéité",
]
VOCABULARY = ["clé dynamométrique", "newton-mètre", "joint torique", "siphon"]
GAP = 0.6


def _duration(wav: Path) -> float:
    out = subprocess.run(["soxi", "-D", str(wav)], capture_output=True, text=True, check=True)
    return float(out.stdout)


def _timed_transcript(tmp: Path) -> tuple[dict, list[DraftStep], Path]:
    """Transcript dict in the documented format (segments with word times), its steps, and the audio."""
    segments, t, wavs = [], 0.0, []
    step_bounds: dict[int, list[float]] = {}
    for n, (step, text) in enumerate(SCRIPT):
        wav = espeak_wav(text, tmp / f"s{n}.wav", speed=140)
        wavs.append(wav)
        dur = _duration(wav)
        words = text.split()
        weights = [max(1, sum(ch in "aeiouyàâéèêëîïôûù" for ch in w.lower())) for w in words]
        total, acc, timed = sum(weights), t, []
        for w, weight in zip(words, weights, strict=True):
            span = dur * weight / total
            timed.append(
                {"start": round(acc, 3), "end": round(acc + span, 3), "word": f" {w}", "probability": 0.9}
            )
            acc += span
        segments.append({"start": round(t, 3), "end": round(t + dur, 3), "text": " " + text, "words": timed})
        lo_hi = step_bounds.setdefault(step, [t, t + dur])
        lo_hi[1] = t + dur
        t += dur + GAP
    steps, prev_end = [], 0.0
    for i in sorted(step_bounds):
        end = round(step_bounds[i][1] + GAP / 2, 3)
        steps.append(DraftStep(id=100 + i, start=prev_end, end=end, title=TITLES[i], keyframe=f"k/{i}.jpg"))
        prev_end = end
    audio = tmp / "commentary.wav"
    subprocess.run(["sox", *[str(w) for w in wavs], str(audio), "rate", "16000"], check=True)
    transcript = {"language": "fr", "duration": round(t, 3), "segments": segments}
    return transcript, steps, audio


@pytest.fixture(scope="module")
def commentary(tmp_path_factory):
    return _timed_transcript(tmp_path_factory.mktemp("commentary"))


def _by_kind(drafts, kind):
    return [d for d in drafts if d.kind == kind]


def test_quantities_with_units():
    found = quantities(
        "Serrez à 12 newtons-mètres, laissez 3 mm de jeu, 2,5 bars et attendez deux minutes ; "
        "une clé de 17 suffit."
    )
    assert [(q.value, q.unit) for q in found] == [
        ("12", "newtons-mètres"),
        ("3", "millimètres"),
        ("2,5", "bars"),
        ("2", "minutes"),
    ]
    assert "12 N.m" in found[0].accepted() and "deux minutes" in found[3].accepted()


def test_key_terms_prefer_trade_vocabulary_and_noun_phrases(commentary):
    transcript, steps, _ = commentary
    text = " ".join(s.text for s in sentences(transcript))
    terms = key_terms(text, VOCABULARY)
    assert terms[:3] == ["clé dynamométrique", "joint torique", "siphon"]
    folded = [t.lower() for t in terms]
    assert "coupe" not in folded and "commencer" not in folded and "mets" not in folded  # verbs are not terms


def test_drafts_on_the_timed_transcript(commentary):
    transcript, steps, _ = commentary
    kp = DraftKeyPoint(
        time=steps[0].start + 1, kind="safety", text="Couper l'eau avant de dévisser.", step_id=steps[0].id
    )
    drafts = draft_questions(steps, transcript, [kp], vocabulary=VOCABULARY, seed=1)
    assert drafts == draft_questions(steps, transcript, [kp], vocabulary=VOCABULARY, seed=1)  # deterministic
    assert [d.time for d in drafts] == sorted(d.time for d in drafts)
    assert all(steps[0].start <= d.time <= steps[-1].end for d in drafts)

    (ordering,) = _by_kind(drafts, "ordering")
    assert [c["text"] for c in ordering.choices] == TITLES
    assert ordering.answer_key == {"order": [f"s{s.id}" for s in steps]}

    nexts = _by_kind(drafts, "single_choice")
    assert 1 <= len(nexts) <= 2
    for q in nexts:
        right = next(c["text"] for c in q.choices if c["id"] == q.answer_key["correct"][0])
        before = q.prompt.split("« ")[1].split(" »")[0]
        assert TITLES.index(right) == TITLES.index(before) + 1
        wrong = [c["text"] for c in q.choices if c["text"] != right]
        assert wrong and set(wrong) <= set(TITLES) - {before, right}  # distractors from other steps

    clozes = _by_kind(drafts, "cloze")
    numbers = [d for d in clozes if d.source.startswith("valeur")]
    assert [d.answer_key["blanks"][0][0] for d in numbers] == ["12 newtons-mètres", "2 minutes"]
    serrer = numbers[0]
    assert "____" in serrer.prompt and "12" not in serrer.prompt and serrer.step_id == steps[3].id
    assert "12 N.m" in serrer.answer_key["blanks"][0]
    terms = [d for d in clozes if d.source.startswith("terme")]
    assert {d.answer_key["blanks"][0][0] for d in terms} >= {"clé dynamométrique", "joint torique"}
    for d in terms:
        assert d.answer_key["blanks"][0][0].lower() not in d.prompt.lower()
        # asked right after the sentence is spoken, inside the step that says it
        step = next(s for s in steps if s.id == d.step_id)
        assert step.start <= d.time <= step.end

    (hotspot,) = _by_kind(drafts, "hotspot")
    assert hotspot.image == "k/0.jpg" and hotspot.answer_key["regions"][0]["rect"]
    assert "Couper l'eau" in hotspot.feedback_wrong


def test_too_few_steps_give_no_structural_questions(commentary):
    transcript, steps, _ = commentary
    drafts = draft_questions(steps[:2], transcript, vocabulary=VOCABULARY)
    assert not _by_kind(drafts, "ordering") and not _by_kind(drafts, "single_choice")
    assert _by_kind(drafts, "cloze")  # the commentary still gives clozes


def test_drafts_on_the_whisper_transcript(commentary, whisper_base_dir):
    """The same commentary through Whisper base: recognition errors must not break drafting."""
    from media_pipeline.transcribe import TranscribeSettings, transcribe

    model_dir = whisper_base_dir  # installed when missing: never skipped
    transcript_ref, steps, audio = commentary
    result = transcribe(
        audio, TranscribeSettings(model_dir=model_dir, language="fr", vocabulary=tuple(VOCABULARY))
    )
    transcript = result.to_dict()
    assert transcript["segments"] and transcript["segments"][0]["words"]
    drafts = draft_questions(steps, transcript, vocabulary=VOCABULARY)
    assert _by_kind(drafts, "ordering") and _by_kind(drafts, "single_choice")
    clozes = _by_kind(drafts, "cloze")
    assert clozes, [s["text"] for s in transcript["segments"]]
    said = " ".join(s["text"] for s in transcript["segments"])
    if "12 newton" in said.lower():  # the value Whisper heard becomes a cloze with its unit
        assert any("12 N.m" in d.answer_key["blanks"][0] for d in clozes)
    for d in clozes:
        assert d.prompt.count("____") == 1 and d.answer_key["blanks"][0]
        assert steps[0].start <= d.time <= steps[-1].end


def test_hotspot_zone_comes_from_where_the_hands_work():
    """With the keyframe's activity region (segment stage), the drafted zone is that region;
    without it, a placeholder the designer must draw, and the source says which."""
    from capsules.authoring.drafting import DEFAULT_REGION, DraftKeyPoint, DraftStep, draft_hotspots

    located = DraftStep(id=1, start=0, end=10, title="Scier", keyframe="k/1.jpg",
                        keyframe_region=(0.55, 0.4, 0.25, 0.3))
    unknown = DraftStep(id=2, start=10, end=20, title="Poncer", keyframe="k/2.jpg")
    kps = [DraftKeyPoint(time=4, kind="safety", text="Doigts loin de la lame", step_id=1),
           DraftKeyPoint(time=14, kind="quality", text="Poncer dans le sens du fil", step_id=2)]
    first, second = draft_hotspots([located, unknown], kps)
    assert first.answer_key == {"regions": [{"rect": [0.55, 0.4, 0.25, 0.3]}]}
    assert "mains" in first.source
    assert second.answer_key == {"regions": [{"rect": DEFAULT_REGION}]} and "à tracer" in second.source
