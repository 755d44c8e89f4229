"""Captions readability, plain text, and designer corrections that keep word times."""

from __future__ import annotations

import io

import pytest
import webvtt

from media_pipeline.captions import (
    MAX_CUE_SECONDS,
    MAX_LINE_CHARS,
    MIN_CUE_SECONDS,
    apply_corrections,
    caption_cues,
    captions_vtt,
    passages,
    plain_text,
    retime_corrected,
    wrap_lines,
    write_vtt,
)
from media_pipeline.transcribe import Segment, Transcript, Word

TEXT = ("Pour activer ou désactiver le mode sourdine, veuillez appuyer sur un. Pour verrouiller ou "
        "déverrouiller la conférence, appuyez sur deux. Pour éjecter le dernier participant, appuyez "
        "sur trois. Serrez ensuite l'écrou avec la clé dynamométrique réglée à vingt newton-mètres.")


def timed_words(text: str, start: float, per_word: float = 0.32, gap: float = 0.04) -> list[Word]:
    out, t = [], start
    for token in text.split():
        out.append(Word(round(t, 3), round(t + per_word, 3), token, 0.9))
        t += per_word + gap
    return out


def segment(text: str, start: float, **kw) -> Segment:
    words = timed_words(text, start, **kw)
    return Segment(start, words[-1].end, text, words)


def check_readable(cues):
    prev_end = 0.0
    for start, end, lines in cues:
        assert 1 <= len(lines) <= 2, lines
        for line in lines:
            assert len(line) <= MAX_LINE_CHARS or " " not in line, line
        assert start >= prev_end - 1e-6, "captions overlap"
        assert end > start
        assert end - start <= MAX_CUE_SECONDS + 1e-6
        prev_end = end


def test_wrap_lines_balanced_and_bounded():
    assert wrap_lines("Serrez l'écrou.") == ["Serrez l'écrou."]
    lines = wrap_lines("Pour activer ou désactiver le mode sourdine, veuillez appuyer sur un")
    assert len(lines) == 2 and all(len(x) <= MAX_LINE_CHARS for x in lines)
    assert abs(len(lines[0]) - len(lines[1])) < 12  # balanced, not 42 + leftovers
    assert wrap_lines("mot " * 30) is None
    assert wrap_lines("anticonstitutionnellement" * 3) == ["anticonstitutionnellement" * 3]


def test_long_speech_cut_into_readable_cues_keeping_every_word():
    tr = Transcript("fr", 1.0, 60.0, [segment(TEXT, 2.0)])
    cues = caption_cues(tr)
    check_readable(cues)
    assert len(cues) >= 5
    assert " ".join(" ".join(lines) for _, _, lines in cues) == TEXT
    # Cues start when their first word is said.
    starts = {w.start for w in tr.segments[0].words}
    assert all(start in starts for start, _, _ in cues)


def test_short_word_shown_long_enough_but_never_over_the_next_cue():
    tr = Transcript("fr", 1.0, 10.0, [
        Segment(1.0, 1.3, "Oui.", [Word(1.0, 1.3, "Oui.", 0.9)]),
        Segment(1.8, 2.4, "Non.", [Word(1.8, 2.4, "Non.", 0.9)]),
        Segment(6.0, 6.2, "Bon.", [Word(6.0, 6.2, "Bon.", 0.9)]),
    ])
    cues = caption_cues(tr)
    check_readable(cues)
    assert cues[0][:2] == (1.0, 1.8)  # extended up to the next cue, not to a full second
    assert cues[1][1] - cues[1][0] >= MIN_CUE_SECONDS - 1e-6
    assert cues[2][1] - cues[2][0] == pytest.approx(MIN_CUE_SECONDS)


def test_pause_starts_a_new_cue_and_overlapping_words_are_clamped():
    words = [Word(0.0, 0.4, "Je", 0.9), Word(0.4, 0.9, "serre", 0.9), Word(3.0, 3.5, "puis", 0.9),
             Word(3.4, 3.9, "vérifie", 0.9)]
    tr = Transcript("fr", 1.0, 5.0, [Segment(0.0, 3.9, "Je serre puis vérifie", words),
                                      Segment(3.5, 4.0, "ok", [Word(3.5, 4.0, "ok", 0.9)])])
    cues = caption_cues(tr)
    check_readable(cues)
    assert [" ".join(c[2]) for c in cues] == ["Je serre", "puis vérifie", "ok"]


def test_vtt_parses_back(tmp_path):
    tr = Transcript("fr", 1.0, 60.0, [segment(TEXT, 2.0), segment("Merci et à bientôt.", 40.0)])
    content = captions_vtt(tr)
    assert content.startswith("WEBVTT")
    parsed = webvtt.from_buffer(io.StringIO(content))
    assert len(parsed.captions) == len(caption_cues(tr))
    assert parsed.captions[0].start == "00:00:02.000"
    out = write_vtt(tr, tmp_path / "sub" / "captions.fr.vtt")
    assert out.read_text(encoding="utf-8") == content
    assert [p.name for p in out.parent.iterdir()] == ["captions.fr.vtt"]  # no temp file left


def test_segment_without_words_still_gets_captions():
    tr = Transcript("fr", 1.0, 30.0, [Segment(0.0, 12.0, TEXT, [])])
    cues = caption_cues(tr)
    check_readable(cues)
    assert cues[0][0] == 0.0 and cues[-2][1] <= 12.0
    tr = Transcript("fr", 1.0, 12.1, [Segment(0.0, 12.0, TEXT, [])])
    assert caption_cues(tr)[-1][1] == 12.1  # a short last cue is lengthened, but not past the media
    assert " ".join(" ".join(c[2]) for c in cues) == TEXT


def test_plain_text_paragraphs_on_long_pauses():
    tr = Transcript("fr", 1.0, 30.0, [segment("Je prends la clé.", 0.0), segment("Je serre.", 2.0),
                                      segment("Ensuite je vérifie.", 20.0)])
    assert plain_text(tr) == "Je prends la clé. Je serre.\n\nEnsuite je vérifie.\n"
    assert plain_text(Transcript("fr", 1.0, 3.0, [])) == ""


def check_karaoke(seg: Segment):
    assert [w.word for w in seg.words] == seg.text.split()
    prev = seg.start
    for w in seg.words:
        assert seg.start - 1e-6 <= w.start <= w.end <= seg.end + 1e-6
        assert w.start >= prev - 1e-6
        prev = w.end


ORIGINAL = Segment(1.0, 4.0, "serrer l'écrou avec la clé dynamo", [
    Word(1.0, 1.4, "serrer", 0.9), Word(1.5, 2.0, "l'écrou", 0.8), Word(2.0, 2.3, "avec", 0.9),
    Word(2.3, 2.5, "la", 0.9), Word(2.5, 2.8, "clé", 0.9), Word(2.8, 3.9, "dynamo", 0.3)])


def test_retime_replacement_keeps_unchanged_words_exactly():
    seg = retime_corrected(ORIGINAL, "Serrer l'écrou avec la clé dynamométrique.")
    check_karaoke(seg)
    assert seg.start == 1.0 and seg.end == 4.0
    assert seg.words[:5] == [Word(1.0, 1.4, "Serrer", 0.9), Word(1.5, 2.0, "l'écrou", 0.8),
                             Word(2.0, 2.3, "avec", 0.9), Word(2.3, 2.5, "la", 0.9), Word(2.5, 2.8, "clé", 0.9)]
    assert seg.words[5] == Word(2.8, 3.9, "dynamométrique.", 1.0)


def test_retime_split_word_shares_the_original_time_proportionally():
    seg = retime_corrected(ORIGINAL, "serrer l'écrou avec la clé dynamo métrique")
    check_karaoke(seg)
    dyn, met = seg.words[5], seg.words[6]
    assert dyn.start == 2.8 and met.end == 3.9 and dyn.end == met.start
    assert (dyn.end - dyn.start) < (met.end - met.start)  # "métrique" is longer than "dynamo"


@pytest.mark.parametrize("text", [
    "Il faut serrer l'écrou avec la clé",          # insertion at the start, deletion at the end
    "serrer bien fort l'écrou avec la clé dynamo",  # insertion with no pause to put it in
    "serrer l'écrou",                              # deletion
    "dévisser la roue",                            # complete rewrite
])
def test_retime_edits_keep_words_in_time_order(text):
    seg = retime_corrected(ORIGINAL, text)
    check_karaoke(seg)
    assert seg.text == text


def test_apply_corrections():
    tr = Transcript("fr", 0.9, 10.0, [ORIGINAL, segment("Sous-titrage ST' 501", 5.0),
                                      segment("Je vérifie le couple.", 7.0)], model="base", task="transcribe")
    fixed = apply_corrections(tr, {0: "serrer l'écrou avec la clé dynamométrique", 1: "  "})
    assert [s.text for s in fixed.segments] == ["serrer l'écrou avec la clé dynamométrique",
                                                "Je vérifie le couple."]
    assert fixed.segments[1] == tr.segments[2]
    assert (fixed.language, fixed.duration, fixed.model) == ("fr", 10.0, "base")
    assert tr.segments[0] == ORIGINAL  # the original is not modified
    assert Transcript.from_dict(fixed.to_dict()) == fixed
    assert "dynamométrique" in captions_vtt(fixed)
    with pytest.raises(IndexError):
        apply_corrections(tr, {3: "x"})


def test_captions_follow_text_edited_without_words():
    """The admin may save a segment's text alone: captions must show the corrected text."""
    from dataclasses import replace

    tr = Transcript("fr", 1.0, 5.0, [replace(ORIGINAL, text="serrer l'écrou à la clé dynamométrique")])
    content = captions_vtt(tr)
    assert "serrer l'écrou à la clé dynamométrique" in content.replace("\n", " ")


def test_passages_cut_a_segment_where_its_captions_start_a_sentence_or_follow_a_silence():
    """One Whisper segment, four sentences after silences: four passages at the captions' times."""
    said = [(0.0, "Je coupe l'eau."), (14.0, "Je place une bassine."), (21.0, "Je dévisse l'écrou."),
            (31.0, "Je nettoie le joint.")]
    words = [w for start, text in said for w in timed_words(text, start)]
    seg = Segment(0.0, words[-1].end, " ".join(t for _, t in said), words)
    cut = passages(seg)
    assert [(p.start, p.text) for p in cut] == said
    assert [p.words for p in cut] == [timed_words(t, s) for s, t in said]
    assert [p.start for p in cut] == [c[0] for c in caption_cues(Transcript("fr", 1.0, 40.0, [seg]))]
    # A silence without a full stop cuts too; a short pause or a comma does not.
    words = timed_words("Je serre, puis", 0.0) + timed_words("je vérifie", 5.0)
    assert [p.text for p in passages(Segment(0.0, 6.0, "Je serre, puis je vérifie", words))] == [
        "Je serre, puis", "je vérifie"]


def test_passages_are_not_cut_to_fit_the_screen_and_follow_edits():
    long = segment(". ".join(TEXT.split(". ")[:2]).replace(". P", ", p") + ".", 0.0)  # one sentence, 140 chars
    assert len(caption_cues(Transcript("fr", 1.0, 60.0, [long]))) > 1
    assert [p.text for p in passages(long)] == [long.text]
    # Text edited without its words (an old edit): the passages show the text, re-timed.
    edited = Segment(0.0, 20.0, "Coupez l'eau. Placez la bassine.",
                     timed_words("Coupez l'eau.", 0.0) + timed_words("Posez la cuvette.", 15.0))
    assert [p.text for p in passages(edited)] == ["Coupez l'eau.", "Placez la bassine."]
    # No word times: the segment stays whole; no text: nothing.
    assert passages(Segment(2.0, 9.0, "Sans mots. Deux phrases.")) == [Segment(2.0, 9.0, "Sans mots. Deux phrases.")]
    assert passages(Segment(2.0, 9.0, " ", timed_words("euh", 2.0))) == []
