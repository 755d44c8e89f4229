"""Speech to text with faster-whisper: words with times, language, guarded against hallucinations.

Why it is built this way:

- The model is loaded by directory (offline weights, see :mod:`media_pipeline.whisper_weights`)
  once per worker process, because loading costs far more than a short clip's transcription.
- Audio is decoded by ffmpeg straight from the footage (audio or video file) to 16 kHz mono
  and *streamed*: an hour of workshop recording is cut into chunks of ``chunk_seconds`` at the
  quietest moment near each boundary and transcribed chunk by chunk, so memory stays bounded
  whatever the duration (faster-whisper alone would decode the whole file into memory).
- Whisper invents text on silence and machine noise ("Sous-titrage ST' 501", "Merci d'avoir
  regardé", loops of the same sentence). The voice-activity filter, no conditioning on previous
  text and a few filters on the decoder's own confidence keep a silent clip's transcript empty.
- A certification's trade vocabulary ("clé dynamométrique", "newton-mètre") goes into Whisper's
  ``initial_prompt``, which every chunk starts with (so it is restated every ``chunk_seconds``).
  faster-whisper's ``hotwords`` were measured and rejected: they repeat in every 30 s window, but
  on the quiet tail after speech they make the decoder loop on the hotwords, which then costs
  10-20 s of temperature fallbacks per speech island and sometimes lets invented text through.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import json
import logging
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from media_pipeline.errors import PermanentMediaError, TransientMediaError
from media_pipeline.progress import PhaseCallback, ProgressCallback, no_phase, noop
from media_pipeline.whisper_weights import default_model_dir

SAMPLE_RATE = 16000

# A segment is dropped when Whisper itself thinks there is no speech and is unsure of its words.
NO_SPEECH_PROB = 0.6
LOW_AVG_LOGPROB = -1.0
# ...or when nearly all its words are guesses (mean word probability below this) and the decoder
# was not confident either: invented text on noise sits around 0.2-0.4, real speech above 0.6.
LOW_WORD_PROBABILITY = 0.45
# Text that gzip compresses this well is a decoder loop ("de la chambre de la chambre ..."): Whisper's threshold.
MAX_COMPRESSION_RATIO = 2.4
# Credits and sign-offs that Whisper learnt from subtitled videos and "hears" in noise.
_HALLUCINATION_RE = re.compile(
    r"sous[- ]titr|amara\.org|radio[- ]canada|\bst'? ?\d{3}\b|abonnez[- ]vous|"
    r"merci d'avoir regard|thanks? (you )?for watching|subtitles by", re.IGNORECASE)


@dataclass(frozen=True)
class Word:
    """One recognised word with its time span (seconds) and the decoder's probability."""

    start: float
    end: float
    word: str
    probability: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Segment:
    """A phrase as Whisper cut it; designers correct transcripts segment by segment."""

    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    avg_logprob: float | None = None
    no_speech_prob: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text,
                               "words": [w.to_dict() for w in self.words]}
        if self.avg_logprob is not None:
            out["avg_logprob"] = self.avg_logprob
        if self.no_speech_prob is not None:
            out["no_speech_prob"] = self.no_speech_prob
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Segment:
        return cls(start=float(data["start"]), end=float(data["end"]), text=str(data["text"]),
                   words=[Word(float(w["start"]), float(w["end"]), str(w["word"]),
                               float(w.get("probability", 1.0))) for w in data.get("words", [])],
                   avg_logprob=data.get("avg_logprob"), no_speech_prob=data.get("no_speech_prob"))


@dataclass(frozen=True)
class Transcript:
    """The whole recognition result; ``to_dict()`` is the CLI's JSON contract."""

    language: str
    language_probability: float
    duration: float
    segments: list[Segment]
    model: str = ""
    task: str = "transcribe"
    # With a chosen language: the language Whisper hears in the first chunk with speech, and how sure it is
    # ("" / 0 when nothing was heard or the language was detected anyway). English speech transcribed as French
    # gives plausible French nonsense; this is how the screens can say so (walk 34).
    heard_language: str = ""
    heard_probability: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments if s.text)

    def to_dict(self) -> dict[str, Any]:
        return {"language": self.language, "language_probability": self.language_probability,
                "duration": self.duration, "model": self.model, "task": self.task,
                "heard_language": self.heard_language, "heard_probability": self.heard_probability,
                "segments": [s.to_dict() for s in self.segments]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        return cls(language=str(data["language"]),
                   language_probability=float(data.get("language_probability", 1.0)),
                   duration=float(data["duration"]),
                   segments=[Segment.from_dict(s) for s in data.get("segments", [])],
                   model=str(data.get("model", "")), task=str(data.get("task", "transcribe")),
                   heard_language=str(data.get("heard_language") or ""),
                   heard_probability=float(data.get("heard_probability") or 0.0))


@dataclass(frozen=True)
class TranscribeSettings:
    """How to run Whisper. ``language=None`` detects the language; ``vocabulary`` helps trade terms.

    ``compute_type="auto"`` means int8 on CPU and float16 on CUDA; any CTranslate2 compute
    type can be named instead. ``cpu_threads=0`` lets CTranslate2 choose.
    ``chunk_seconds`` bounds memory: faster-whisper's VAD works on a whole chunk at once, so
    peak growth over the loaded model was ~90 MiB with 60 s chunks and 130-180 MiB with 120 s,
    whatever the file's duration (an hour loaded whole needs 230 MiB for its samples alone).
    Chunks are cut at the quietest 100 ms of their last 20 s, so words are not split.
    """

    model_dir: Path = field(default_factory=default_model_dir)
    device: str = "auto"
    compute_type: str = "auto"
    cpu_threads: int = 0
    beam_size: int = 5
    language: str | None = "fr"
    vocabulary: tuple[str, ...] | list[str] = ()
    vad: bool = True
    task: str = "transcribe"
    chunk_seconds: float = 60.0

    def resolved_device(self) -> str:
        if self.device != "auto":
            return self.device
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"

    def resolved_compute_type(self) -> str:
        if self.compute_type != "auto":
            return self.compute_type
        return "float16" if self.resolved_device() == "cuda" else "int8"

    def prompt(self) -> str | None:
        """The vocabulary as a short French sentence, the form of text Whisper conditions on best."""
        terms = [t.strip() for t in self.vocabulary if t and t.strip()]
        return f"Vocabulaire : {', '.join(terms)}." if terms else None


RANDOM_SEED = 1234

# The phases named to whoever waits (capsules/pipeline/messages.py lists them for translation). A walk saw
# « En cours 0 % » and no word for 30 s on an 8-s clip: the model loading, then a single window decoded.
PHASE_LOADING = "Chargement du modèle de transcription…"
PHASE_TRANSCRIBING = "Transcription…"
PHASE_TRANSLATING = "Traduction en anglais…"
# The share of the stage's bar given to loading the model (a cold worker spends most of a short clip's
# time there); the rest follows the audio, segment by segment.
LOADED_PERCENT = 10.0


@functools.lru_cache(maxsize=4)
def _load_model(model_dir: str, device: str, compute_type: str, cpu_threads: int):
    os.environ["HF_HUB_OFFLINE"] = "1"
    from faster_whisper import WhisperModel

    return WhisperModel(model_dir, device=device, compute_type=compute_type, cpu_threads=cpu_threads,
                        local_files_only=True)


def cuda_failure(ct2_whisper) -> str | None:
    """Why this CTranslate2 Whisper cannot compute on the GPU, or None when it can.

    A GPU is seen through the driver alone, but CTranslate2 loads cuBLAS/cuDNN only at the first
    matrix product: a machine with the wrong CUDA libraries would accept the model and fail on the
    first footage. One encode of 30 s of silence settles it when the model loads.
    """
    import ctranslate2

    features = np.zeros((1, int(getattr(ct2_whisper, "n_mels", 80)), 3000), dtype=np.float32)
    try:
        ct2_whisper.encode(ctranslate2.StorageView.from_array(features))
    except (RuntimeError, OSError) as exc:
        return str(exc).strip() or type(exc).__name__
    return None


def get_model(settings: TranscribeSettings):
    """The WhisperModel for these settings, loaded once per process (directory, device, type, threads).

    With ``device="auto"`` a GPU is used only if it really computes; otherwise the CPU, with a warning.
    """
    model_dir = Path(settings.model_dir).expanduser().resolve()
    if not (model_dir / "model.bin").is_file():
        raise PermanentMediaError(
            f"Modèle Whisper introuvable dans {model_dir} : lancez « python -m media_pipeline "
            "install-weights » ou réglez GESTE_WHISPER_MODEL_DIR.")
    device, compute_type = settings.resolved_device(), settings.resolved_compute_type()
    if settings.device == "auto" and device == "cuda":
        if _cuda_checked(str(model_dir), compute_type, int(settings.cpu_threads)):
            device, compute_type = "cpu", "int8"
    return _load_model(str(model_dir), device, compute_type, int(settings.cpu_threads))


@functools.lru_cache(maxsize=4)
def _cuda_checked(model_dir: str, compute_type: str, cpu_threads: int) -> str | None:
    """Load on the GPU and try it once per process; the reason it failed, or None."""
    import logging

    try:
        reason = cuda_failure(_load_model(model_dir, "cuda", compute_type, cpu_threads).model)
    except (RuntimeError, ValueError, OSError) as exc:
        reason = str(exc).strip() or type(exc).__name__
    if reason:
        _load_model.cache_clear()  # do not keep a broken GPU copy around
        logging.getLogger(__name__).warning("GPU inutilisable pour Whisper (%s) : transcription sur CPU", reason)
    return reason


def probe_audio_duration(path: Path) -> float:
    """Duration in seconds of the file's first audio stream; a clear error if there is none."""
    path = Path(path)
    if not path.is_file():
        raise PermanentMediaError(f"Fichier introuvable : {path.name}")
    proc = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a", "-show_entries",
                           "stream=index,duration:format=duration", "-of", "json", str(path)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise PermanentMediaError(f"Fichier illisible ou format non pris en charge : {path.name}",
                                  detail=proc.stderr.strip()[-2000:])
    info = json.loads(proc.stdout or "{}")
    streams = info.get("streams") or []
    if not streams:
        raise PermanentMediaError(f"Ce fichier n'a pas de piste audio à transcrire : {path.name}")
    for value in (streams[0].get("duration"), info.get("format", {}).get("duration")):
        try:
            if value is not None and float(value) > 0:
                return float(value)
        except ValueError:
            continue
    return 0.0


def _quietest_cut(pcm: np.ndarray, search_seconds: float) -> int:
    """Index of the quietest 100 ms near the end of ``pcm``: a chunk boundary that splits no word."""
    frame = SAMPLE_RATE // 10
    search = min(int(search_seconds * SAMPLE_RATE), len(pcm) // 2) // frame * frame
    if search < frame:
        return len(pcm)
    tail = pcm[len(pcm) - search:].astype(np.float32).reshape(-1, frame)
    energy = np.mean(tail * tail, axis=1)
    # Prefer the latest among the quietest frames (within 10 % of the minimum energy).
    quiet = np.flatnonzero(energy <= energy.min() * 1.1 + 1e-9)
    return len(pcm) - search + int(quiet[-1]) * frame + frame // 2


@functools.lru_cache(maxsize=1)
def _libc_trim():
    """glibc's ``malloc_trim``, or ``None`` elsewhere (musl, macOS)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Hand the heap's freed pages back to the system.

    Each chunk allocates buffers of a different size (chunks end at the quietest moment), and
    glibc keeps the freed ones: over an hour the worker's resident memory grew by ~2.5 MiB a
    minute (43 -> 187 MiB). Trimmed after each chunk it stays flat (measured: -10 MiB)."""
    trim = _libc_trim()
    if trim is not None:
        trim(0)


def stream_pcm(path: Path, chunk_seconds: float, *, search_seconds: float = 20.0
               ) -> Iterator[tuple[float, np.ndarray]]:
    """Yield (offset seconds, float32 16 kHz mono samples) chunks decoded by one ffmpeg process.

    Only one chunk (plus the carried-over tail) is in memory at a time.
    """
    chunk = max(int(chunk_seconds * SAMPLE_RATE), SAMPLE_RATE)
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0",
                                 "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-"],
                                stdout=subprocess.PIPE, stderr=errors)
        assert proc.stdout is not None
        carry = np.zeros(0, dtype=np.int16)
        offset = 0
        try:
            while True:
                need = chunk - len(carry)
                data = proc.stdout.read(need * 2)
                fresh = np.frombuffer(data[: len(data) // 2 * 2], dtype=np.int16)
                buffer = np.concatenate([carry, fresh]) if len(carry) else fresh
                last = len(data) < need * 2
                cut = len(buffer) if last else _quietest_cut(buffer, search_seconds)
                if cut:
                    yield offset / SAMPLE_RATE, buffer[:cut].astype(np.float32) / 32768.0
                carry = buffer[cut:].copy()
                offset += cut
                if last:
                    break
        finally:
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            detail = errors.read().decode("utf-8", "replace")[-2000:]
            if code < 0:
                raise TransientMediaError("Le décodage audio a été interrompu.", detail=detail)
            raise PermanentMediaError(f"Impossible de décoder l'audio de {Path(path).name}.", detail=detail)


def _normalized(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def is_hallucination(segment: Segment) -> bool:
    """True for text Whisper makes up on silence or noise rather than hears."""
    text = _normalized(segment.text)
    if not text:
        return True
    if _HALLUCINATION_RE.search(segment.text):
        return True
    logprob = segment.avg_logprob if segment.avg_logprob is not None else 0.0
    no_speech = segment.no_speech_prob if segment.no_speech_prob is not None else 0.0
    if no_speech > NO_SPEECH_PROB and logprob < LOW_AVG_LOGPROB:
        return True
    if segment.words:
        mean_p = sum(w.probability for w in segment.words) / len(segment.words)
        if mean_p < LOW_WORD_PROBABILITY and (logprob < -0.7 or no_speech > 0.3):
            return True
    return False


def _collapse_loop(text: str) -> str:
    """Cut a phrase repeated three times or more in a row down to one occurrence."""
    return re.sub(r"(\b.{4,}?\b)(?:[\s,.]+\1){2,}", r"\1", text, flags=re.IGNORECASE)


def drop_repeats(segments: list[Segment], *, max_gap: float = 2.0) -> list[Segment]:
    """Remove decoder loops: a segment saying the same as the two just before it, back to back.

    Only contiguous repeats are loops; the same instruction said again ten minutes later is kept.
    """
    out: list[Segment] = []
    for seg in segments:
        text = _normalized(seg.text)
        if (len(out) >= 2 and _normalized(out[-1].text) == text == _normalized(out[-2].text)
                and seg.start - out[-1].end < max_gap and out[-1].start - out[-2].end < max_gap):
            continue
        out.append(seg)
    return out


def _merge_words(raw_words, offset: float) -> list[Word]:
    """Whisper's words, glued back where it split one written word ("C" + "'est" -> "C'est").

    A piece that does not start with a space continues the previous word; the merged word keeps
    the weakest probability so a doubtful half still shows as doubtful.
    """
    words: list[Word] = []
    for w in raw_words or []:
        token = w.word.strip()
        if not token:
            continue
        start, end, p = round(float(w.start) + offset, 3), round(float(w.end) + offset, 3), float(w.probability)
        if words and not w.word.startswith(" "):
            prev = words[-1]
            words[-1] = Word(prev.start, max(prev.end, end), prev.word + token, round(min(prev.probability, p), 4))
        else:
            words.append(Word(start, end, token, round(p, 4)))
    return words


def _convert(raw, offset: float) -> Segment:
    words = _merge_words(raw.words, offset)
    text = _collapse_loop(raw.text.strip())
    return Segment(start=round(float(raw.start) + offset, 3), end=round(float(raw.end) + offset, 3), text=text,
                   words=words, avg_logprob=round(float(raw.avg_logprob), 4),
                   no_speech_prob=round(float(raw.no_speech_prob), 4))


def transcribe(path: Path | str, settings: TranscribeSettings | None = None,
               progress: ProgressCallback | None = None, phase: PhaseCallback | None = None) -> Transcript:
    """Transcribe (or translate to English) the speech of an audio or video file.

    ``progress`` gets percentages: ``LOADED_PERCENT`` once the model is loaded, then the position in the
    audio of each segment Whisper gives; ``phase`` gets what is being done (``PHASE_*``).
    Raises PermanentMediaError for a missing, unreadable or silent-track-less file.
    """
    settings = settings or TranscribeSettings()
    report = progress or noop
    say = phase or no_phase
    path = Path(path)
    duration = probe_audio_duration(path)
    report(0.0)
    say(PHASE_LOADING)
    model = get_model(settings)
    language = settings.language
    if language and not model.model.is_multilingual and language != "en":
        raise PermanentMediaError(f"Ce modèle ne connaît que l'anglais, pas la langue « {language} ».")
    detected_probability = 1.0 if language else 0.0
    heard_lang, heard_probability = "", 0.0
    segments: list[Segment] = []
    end_seen = 0.0
    report(LOADED_PERCENT)
    say(PHASE_TRANSLATING if settings.task == "translate" else PHASE_TRANSCRIBING)
    import ctranslate2

    def heard(seconds: float) -> None:
        if duration:
            report(min(99.0, LOADED_PERCENT + (100.0 - LOADED_PERCENT) * seconds / duration))

    for offset, audio in stream_pcm(path, settings.chunk_seconds):
        chunk_end = offset + len(audio) / SAMPLE_RATE
        # Whisper's temperature fallback samples: a fixed seed per chunk makes a re-run of the same
        # audio give the same words (stages are idempotent, tests reproducible).
        ctranslate2.set_random_seed(RANDOM_SEED)
        raw_segments, info = model.transcribe(
            audio, language=language, task=settings.task, beam_size=settings.beam_size,
            vad_filter=settings.vad, word_timestamps=True, condition_on_previous_text=False,
            initial_prompt=settings.prompt(), hallucination_silence_threshold=2.0 if settings.vad else None)
        for raw in raw_segments:
            seg = _convert(raw, offset)
            if raw.compression_ratio <= MAX_COMPRESSION_RATIO and not is_hallucination(seg):
                segments.append(seg)
            else:  # said, so that a transcript that lost its speech shows why (CI, stop 47: one came back empty)
                logging.getLogger(__name__).info(
                    "segment %.1f-%.1f s écarté (compression %.2f, logprob %.2f, no_speech %.2f) : %s",
                    seg.start, seg.end, raw.compression_ratio, raw.avg_logprob, raw.no_speech_prob, seg.text[:80])
            heard(offset + raw.end)
        if language is None and info.duration_after_vad > 0 and segments:
            # Detect once, on the first chunk with speech; later chunks keep that language.
            language, detected_probability = info.language, float(info.language_probability)
        elif settings.language and settings.task == "transcribe" and not heard_lang and info.duration_after_vad > 0 \
                and (settings.vad or segments) and model.model.is_multilingual:
            # Speech found (by the VAD, or words heard without it), even when none came out in the chosen language.
            heard_lang, heard_probability = _heard_language(model, audio, settings.vad)
        end_seen = chunk_end
        del audio, raw_segments
        release_freed_memory()
        heard(chunk_end)
    report(100.0)
    return Transcript(language=language or "und", language_probability=round(detected_probability, 4),
                      duration=round(duration or end_seen, 3), segments=drop_repeats(segments),
                      model=Path(settings.model_dir).name, task=settings.task,
                      heard_language=heard_lang, heard_probability=round(heard_probability, 4))


def _heard_language(model, audio: np.ndarray, vad: bool) -> tuple[str, float]:
    """Whisper's own language guess on a chunk (its first 30 s of speech: one encoder pass); ("", 0) if it
    cannot tell."""
    try:
        lang, probability, _all = model.detect_language(audio, vad_filter=vad)
    except Exception:  # noqa: BLE001 - a guess for a warning, never a reason to lose the transcript
        logging.getLogger(__name__).warning("language guess failed", exc_info=True)
        return "", 0.0
    return str(lang or ""), float(probability or 0.0)
