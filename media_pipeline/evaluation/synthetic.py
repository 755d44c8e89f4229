"""Synthetic first-person work clips with known gesture steps.

Segmentation must be judged on footage whose true steps are known, and it must
generalise rather than fit one look; so every clip is drawn from a seed: a
procedurally textured, cluttered workbench seen by a drifting head camera that
sometimes turns away, two skin-toned hands performing a different gesture per step
(screwing, sawing, hammering, wiping, pick-and-place, pouring, ...), rests with the
hands still or out of frame, lighting changes, frame sizes from 720p to 1080p and
French narration by espeak-ng whose times give the transcript.

``scene="tap"`` draws a washbasin under repair in place of the bench (``tap_scene.py``, the
picture of `make run`'s demo), around the same steps, hands, camera and lighting; the
default scene's frames never depend on it.
"""

from __future__ import annotations

import math
import subprocess
import tempfile
import wave
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np

SIZES = ((1280, 720), (1600, 900), (1920, 1080))
SKIN_TONES = ((196, 222, 255), (160, 195, 235), (120, 165, 215), (90, 130, 185), (60, 95, 140),
              (45, 70, 105), (140, 180, 225), (105, 140, 190))  # BGR, light to dark
GESTURES = ("screw", "saw", "hammer", "wipe", "pick_place", "pour", "drill", "brush", "wrench", "measure")

PHRASES = {
    "screw": ("je visse la plaque avec le tournevis", "on serre la vis"),
    "saw": ("je scie la planche", "on coupe le tasseau à la scie"),
    "hammer": ("je tape le clou au marteau", "on enfonce la pointe"),
    "wipe": ("je nettoie la surface avec le chiffon", "on essuie le plan de travail"),
    "pick_place": ("je prends la pièce et je la pose sur le support", "on range les vis dans la boîte"),
    "pour": ("je verse la colle dans le bac", "on remplit le récipient"),
    "drill": ("je perce le trou à la perceuse", "on fait l'avant-trou"),
    "brush": ("je passe la peinture au pinceau", "on applique l'enduit"),
    "wrench": ("je serre l'écrou avec la clé", "on bloque le raccord à la clé plate"),
    "measure": ("je mesure la longueur avec le mètre", "on trace le repère au crayon"),
}
MARKERS = ("Ensuite", "Puis", "Maintenant", "Après", "On va", "Alors")
ASIDES = ("Attention à bien tenir la pièce.", "Il faut garder les doigts loin de la lame.",
          "Voilà, comme ça.", "Ça doit être bien droit.")


@dataclass
class SyntheticClip:
    """A generated clip, its true steps (seconds) and the transcript of its narration."""

    path: str
    steps: list[tuple[float, float]]
    transcript: dict
    seed: int
    width: int
    height: int
    fps: float
    duration: float
    gestures: list[str] = field(default_factory=list)
    # Where the working hand is on screen (0-1 of width and height) during steps: (t, x, y), 5 Hz.
    hands: list[tuple[float, float, float]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Step:
    start: float
    end: float
    gesture: str
    site: tuple[float, float]  # screen coordinates at the neutral camera, 0-1
    amp: float
    freq: float
    phase: float


def _smooth_noise(rng: np.random.Generator, h: int, w: int, cell: int) -> np.ndarray:
    small = rng.random((max(2, h // cell), max(2, w // cell))).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def _workbench(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A textured, cluttered work surface (wood, metal or mat) with a wall strip at the top."""
    kind = rng.choice(["wood", "metal", "mat", "wood"])
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    n1 = _smooth_noise(rng, h, w, 64)
    n2 = _smooth_noise(rng, h, w, 8)
    if kind == "wood":
        base = np.array(rng.choice([[60, 110, 160], [40, 80, 130], [90, 140, 185], [50, 90, 120]]), np.float32)
        grain = 0.5 + 0.5 * np.sin(yy / rng.uniform(6, 14) + n1 * rng.uniform(6, 14))
        tex = base[None, None] * (0.75 + 0.3 * grain[..., None] + 0.15 * (n2[..., None] - 0.5))
    elif kind == "metal":
        base = np.array(rng.choice([[150, 150, 145], [120, 125, 130], [170, 165, 160]]), np.float32)
        streak = cv2.blur(rng.random((h, w)).astype(np.float32), (41, 1))
        tex = base[None, None] * (0.8 + 0.35 * (streak[..., None] - 0.5) + 0.2 * (n1[..., None] - 0.5))
    else:
        base = np.array(rng.choice([[70, 110, 40], [60, 60, 60], [110, 80, 40]]), np.float32)
        grid = ((xx % 40 < 2) | (yy % 40 < 2)).astype(np.float32)
        tex = base[None, None] * (0.9 + 0.25 * (n2[..., None] - 0.5)) + 60 * grid[..., None]
    img = np.clip(tex, 0, 255).astype(np.uint8)
    wall = int(h * rng.uniform(0.05, 0.2))
    img[:wall] = np.array(rng.integers(120, 230, 3), np.uint8)
    img[:wall] = (img[:wall].astype(np.float32) * (0.85 + 0.3 * n2[:wall, :, None])).clip(0, 255).astype(np.uint8)
    unit = h / 100.0
    for _ in range(int(rng.integers(25, 70))):  # clutter: boxes, screws, rags, tools, cables
        color = tuple(int(c) for c in rng.integers(0, 255, 3))
        x, y = int(rng.integers(0, w)), int(rng.integers(wall, h))
        shape = rng.integers(0, 5)
        shadow = (x + int(unit), y + int(unit))
        if shape == 0:
            rw, rh = (rng.uniform(3, 14, 2) * unit).astype(int)
            cv2.rectangle(img, (shadow[0], shadow[1]), (shadow[0] + rw, shadow[1] + rh), (20, 20, 20), -1)
            cv2.rectangle(img, (x, y), (x + rw, y + rh), color, -1)
            cv2.rectangle(img, (x, y), (x + rw, y + rh), (0, 0, 0), 1)
        elif shape == 1:
            r = int(rng.uniform(0.5, 2.5) * unit)
            cv2.circle(img, (x, y), r, color, -1)
            cv2.circle(img, (x, y), max(1, r // 3), (30, 30, 30), -1)
        elif shape == 2:
            ang = rng.uniform(0, math.pi)
            ln = rng.uniform(6, 25) * unit
            p2 = (int(x + ln * math.cos(ang)), int(y + ln * math.sin(ang)))
            cv2.line(img, (x, y), p2, color, max(1, int(rng.uniform(0.4, 1.5) * unit)))
        elif shape == 3:
            pts = (rng.normal(0, 4 * unit, (6, 2)) + [x, y]).astype(np.int32)
            cv2.fillPoly(img, [cv2.convexHull(pts)], color)
        else:
            pts = np.cumsum(rng.normal(0, 2 * unit, (12, 2)), axis=0) + [x, y]
            cv2.polylines(img, [pts.astype(np.int32)], False, color, max(1, int(0.5 * unit)))
    return img


class _Renderer:
    """Draws one frame: camera warp of the bench (or the tap scene), lighting, hands and tools, sensor noise."""

    def __init__(self, rng: np.random.Generator, w: int, h: int, fps: float, duration: float,
                 scene: str = "bench", steps: list[_Step] | None = None):
        self.rng, self.w, self.h, self.fps = rng, w, h, fps
        self.scene = scene
        self.working_hand: tuple[float, float] | None = None  # last frame's active hand, 0-1 (ground truth)
        self.margin = 0.45
        cw, ch = int(w * (1 + 2 * self.margin)), int(h * (1 + 2 * self.margin))
        # The bench is drawn and warped at most 960 px wide, then scaled up; hands are drawn
        # at full size. This keeps a 1080p frame at a few milliseconds.
        self.scale = min(1.0, 960.0 / w)
        self.cw, self.ch = cw, ch
        # The bench is drawn in every scene: its draws from the seed come before the hands', camera's and
        # lights', which stay the same whatever the scene.
        self.canvas = _workbench(rng, int(ch * self.scale), int(cw * self.scale))
        self.skin = np.array(SKIN_TONES[int(rng.integers(len(SKIN_TONES)))], np.float32)
        self.skin = np.clip(self.skin * rng.uniform(0.9, 1.1, 3), 0, 255)
        self.sleeve = tuple(int(c) for c in rng.integers(10, 200, 3))
        self.hand = h * rng.uniform(0.14, 0.2)
        # Camera drift: a few slow sinusoids; head turns: quick pans away and back.
        self.drift = [(rng.uniform(0.02, 0.06) * w, rng.uniform(0.04, 0.25), rng.uniform(0, 6.28)) for _ in range(3)]
        self.drift_y = [(rng.uniform(0.01, 0.04) * h, rng.uniform(0.04, 0.25), rng.uniform(0, 6.28)) for _ in range(2)]
        self.roll = (rng.uniform(0.5, 2.5), rng.uniform(0.05, 0.2), rng.uniform(0, 6.28))
        self.turns = []
        for _ in range(int(rng.integers(0, 4))):
            t0 = rng.uniform(2, max(3, duration - 5))
            self.turns.append((t0, rng.uniform(0.3, 0.7), rng.uniform(0.8, 3.0),
                               rng.choice([-1, 1]) * rng.uniform(0.1, 0.22) * w, rng.uniform(-0.08, 0.05) * h))
        self.lights = [(0.0, 1.0)]
        for _ in range(int(rng.integers(0, 4))):
            self.lights.append((rng.uniform(1, duration - 1), rng.uniform(0.65, 1.3)))
        self.lights.sort()
        self.light_ramp = rng.uniform(0.1, 1.5)
        self.noise = [rng.integers(0, 6, (h, w, 3), dtype=np.uint8) for _ in range(3)]
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        r2 = ((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2
        vign = np.clip((1 - rng.uniform(0.2, 0.5) * r2) * 255, 0, 255).astype(np.uint8)
        self.vignette = cv2.merge([vign, vign, vign])  # lens shading, applied with a uint8 multiply
        self.anchor: tuple[float, float] | None = None  # the tap scene's hot tap head (neutral screen, 0-1)
        if scene == "tap":
            from media_pipeline.evaluation.tap_scene import tap_canvas

            # The tap's head where the spanner's jaws are: above the hand of the first wrench gesture.
            first = next((st for st in steps or [] if st.gesture == "wrench"), (steps or [None])[0])
            site = first.site if first else (0.45, 0.75)
            self.anchor = (site[0], site[1] - 0.9 * self.hand / h)
            self.canvas = tap_canvas(w, h, cw, ch, self.scale, self.anchor, self.hand / h)

    def camera(self, t: float) -> np.ndarray:
        dx = sum(a * math.sin(2 * math.pi * f * t + p) for a, f, p in self.drift)
        dy = sum(a * math.sin(2 * math.pi * f * t + p) for a, f, p in self.drift_y)
        dx += 0.002 * self.w * math.sin(2 * math.pi * 1.7 * t)  # breathing, steps
        for t0, ramp, hold, px, py in self.turns:
            if t0 <= t <= t0 + 2 * ramp + hold:
                u = min(1.0, (t - t0) / ramp, (t0 + 2 * ramp + hold - t) / ramp)
                u = u * u * (3 - 2 * u)
                dx += px * u
                dy += py * u
        a, f, p = self.roll
        ang = a * math.sin(2 * math.pi * f * t + p)
        scale = 1.0 + 0.03 * math.sin(2 * math.pi * 0.07 * t + p)
        cw, ch = self.cw, self.ch
        m = cv2.getRotationMatrix2D((cw / 2, ch / 2), ang, scale)
        m[0, 2] += -(cw - self.w) / 2 + dx
        m[1, 2] += -(ch - self.h) / 2 + dy
        return m

    def gain(self, t: float) -> float:
        g = self.lights[0][1]
        for t0, value in self.lights[1:]:
            if t >= t0:
                u = min(1.0, (t - t0) / self.light_ramp)
                g = g + (value - g) * u
        return g

    def to_screen(self, m: np.ndarray, site_xy: tuple[float, float]) -> tuple[float, float]:
        """Neutral-camera screen coords (0-1) of a point on the bench, moved by the camera."""
        cw, ch = self.cw, self.ch
        wx = site_xy[0] * self.w + (cw - self.w) / 2
        wy = site_xy[1] * self.h + (ch - self.h) / 2
        return (m[0, 0] * wx + m[0, 1] * wy + m[0, 2], m[1, 0] * wx + m[1, 1] * wy + m[1, 2])

    def draw_hand(self, img: np.ndarray, x: float, y: float, ang: float, side: int, tool: str | None,
                  tool_ang: float = 0.0) -> None:
        s = self.hand
        skin = tuple(int(c) for c in self.skin)
        dark = tuple(int(c * 0.7) for c in self.skin)
        elbow = (int(x + side * 0.9 * s), int(self.h + 1.2 * s))
        cv2.line(img, elbow, (int(x), int(y + 0.35 * s)), self.sleeve, int(0.55 * s))
        cv2.line(img, (int(x + side * 0.2 * s), int(y + 0.9 * s)), (int(x), int(y + 0.3 * s)), skin, int(0.4 * s))
        if tool:
            self.draw_tool(img, x, y, tool_ang, tool)
        ca, sa = math.cos(ang), math.sin(ang)

        def rot(px: float, py: float) -> tuple[int, int]:
            return int(x + (px * ca - py * sa) * s), int(y + (px * sa + py * ca) * s)

        cv2.ellipse(img, rot(0, 0), (int(0.3 * s), int(0.38 * s)), math.degrees(ang), 0, 360, skin, -1)
        cv2.ellipse(img, rot(0, 0), (int(0.3 * s), int(0.38 * s)), math.degrees(ang), 0, 360, dark, 2)
        for i, fx in enumerate((-0.2, -0.07, 0.07, 0.2)):
            ln = (0.42, 0.5, 0.48, 0.38)[i]
            cv2.line(img, rot(fx, -0.25), rot(fx * 1.1, -0.25 - ln), skin, max(2, int(0.11 * s)))
        cv2.line(img, rot(-side * 0.25, 0.05), rot(-side * 0.5, -0.25), skin, max(2, int(0.12 * s)))

    def draw_tool(self, img: np.ndarray, x: float, y: float, ang: float, tool: str) -> None:
        s = self.hand
        if self.scene == "tap":
            from media_pipeline.evaluation.tap_scene import draw_tap_tool

            if draw_tap_tool(img, x, y, s, ang, tool):
                return
        ca, sa = math.cos(ang), math.sin(ang)

        def p(px: float, py: float) -> tuple[int, int]:
            return int(x + (px * ca - py * sa) * s), int(y + (px * sa + py * ca) * s)

        if tool in ("screw", "drill", "brush"):
            color = {"screw": (30, 30, 200), "drill": (20, 120, 230), "brush": (40, 90, 140)}[tool]
            cv2.line(img, p(0, 0), p(0, -0.9), color, int(0.18 * s))
            cv2.line(img, p(0, -0.9), p(0, -1.4), (180, 180, 180), max(2, int(0.06 * s)))
        elif tool == "saw":
            pts = np.array([p(-0.1, -0.2), p(1.8, -0.2), p(1.8, 0.25), p(-0.1, 0.25)], np.int32)
            cv2.fillPoly(img, [pts], (190, 190, 200))
            cv2.polylines(img, [pts], True, (60, 60, 60), 2)
        elif tool == "hammer":
            cv2.line(img, p(0, 0.3), p(0, -0.9), (30, 60, 120), int(0.15 * s))
            pts = np.array([p(-0.35, -0.9), p(0.35, -0.9), p(0.35, -1.15), p(-0.35, -1.15)], np.int32)
            cv2.fillPoly(img, [pts], (60, 60, 70))
        elif tool == "wipe":
            cv2.ellipse(img, p(0, 0.1), (int(0.5 * s), int(0.4 * s)), math.degrees(ang), 0, 360, (200, 200, 60), -1)
        elif tool == "pour":
            pts = np.array([p(-0.25, -0.1), p(0.25, -0.1), p(0.25, -1.0), p(-0.25, -1.0)], np.int32)
            cv2.fillPoly(img, [pts], (230, 230, 240))
        elif tool == "wrench":
            cv2.line(img, p(0, 0), p(0, -1.1), (170, 170, 175), int(0.14 * s))
            cv2.circle(img, p(0, -1.2), int(0.16 * s), (170, 170, 175), -1)
        elif tool == "measure":
            cv2.rectangle(img, p(-0.3, -0.3), p(0.3, 0.3), (20, 200, 240), -1)
        elif tool == "pick_place":
            cv2.rectangle(img, p(-0.25, -0.45), p(0.25, -0.15), (50, 50, 160), -1)


def _gesture_pose(st: _Step, t: float) -> tuple[float, float, float, float]:
    """Offset (hand sizes), hand angle and tool angle (radians) of the active hand at step time t."""
    f, a, ph = st.freq, st.amp, st.phase
    w = 2 * math.pi * f * t + ph
    g = st.gesture
    if g == "screw":
        return 0.25 * a * math.sin(w), 0.1 * math.cos(w), 1.0 * a * math.sin(w), 1.0 * a * math.sin(w)
    if g == "saw":
        return 1.1 * a * math.sin(w), 0.1 * a * math.sin(2 * w), -0.2, 0.0
    if g == "hammer":
        up = abs(math.sin(w / 2)) ** 0.6
        return 0.0, -0.9 * a * up, 0.2, -0.6 * up
    if g == "wipe":
        return 0.8 * a * math.cos(w), 0.5 * a * math.sin(w), 0.0, 0.0
    if g == "pick_place":
        u = 0.5 - 0.5 * math.cos(w)
        return 2.5 * a * u, -0.8 * a * math.sin(math.pi * u), 0.0, 0.0
    if g == "pour":
        u = min(1.0, max(0.0, 1.5 * (0.5 - 0.5 * math.cos(w))))
        return 0.6 * u, -0.4 * u, 1.2 * u, 1.2 * u
    if g == "drill":
        return 0.08 * math.sin(7 * w), 0.6 * a * (0.5 - 0.5 * math.cos(w)), 0.0, 0.0
    if g == "brush":
        return 0.15 * math.sin(w / 2), 1.2 * a * math.sin(w), 0.1, 0.1
    if g == "wrench":
        ang = 0.7 * a * math.sin(w)
        return 0.9 * math.sin(ang), -0.9 * (1 - math.cos(ang)), ang, ang
    # measure: slow pull along x, then back
    return 2.6 * a * (0.5 - 0.5 * math.cos(w)), 0.1 * math.sin(3 * w), 0.0, 0.0


_FREQ = {"screw": (0.8, 1.4), "saw": (1.0, 1.8), "hammer": (1.2, 2.0), "wipe": (0.5, 0.9),
         "pick_place": (0.3, 0.5), "pour": (0.25, 0.4), "drill": (0.4, 0.7), "brush": (0.6, 1.1),
         "wrench": (0.4, 0.8), "measure": (0.25, 0.4)}


def _timeline(rng: np.random.Generator, duration: float) -> list[_Step]:
    steps: list[_Step] = []
    t = 0.0 if rng.random() < 0.4 else float(rng.uniform(1.0, 3.0))
    prev_gesture = ""
    prev_site = (0.5, 0.65)
    while True:
        length = float(rng.uniform(4.0, 14.0))
        if t + length > duration - 0.5:
            length = duration - t - float(rng.uniform(0, 2.0))
            if length < 4.0:
                break
        gesture = str(rng.choice([g for g in GESTURES if g != prev_gesture]))
        while True:
            site = (float(rng.uniform(0.28, 0.72)), float(rng.uniform(0.5, 0.8)))
            if math.hypot(site[0] - prev_site[0], site[1] - prev_site[1]) > 0.12:
                break
        lo, hi = _FREQ[gesture]
        steps.append(_Step(t, t + length, gesture, site, float(rng.uniform(0.7, 1.1)),
                           float(rng.uniform(lo, hi)), float(rng.uniform(0, 6.28))))
        prev_gesture, prev_site = gesture, site
        t += length
        if rng.random() < 0.5:
            t += float(rng.uniform(1.5, 4.0))
        if t > duration - 4.5:
            break
    return steps


def _narration(rng: np.random.Generator, steps: list[_Step], workdir: Path, duration: float,
               rate: int = 22050) -> tuple[np.ndarray, dict]:
    """Speak one sentence near each step's start (sometimes none, sometimes an aside)."""
    audio = (rng.normal(0, 0.004, int(duration * rate) + rate)).astype(np.float32)
    segments = []
    busy_until = 0.0
    for i, st in enumerate(steps):
        lines = []
        if rng.random() < 0.85:
            phrase = str(rng.choice(PHRASES[st.gesture]))
            if i == 0:
                marker = "D'abord"
            elif rng.random() < 0.8:
                marker = str(rng.choice(MARKERS))
            else:
                marker = ""
            text = (f"{marker}, {phrase}." if marker and marker not in ("On va",)
                    else f"On va {phrase.split(' ', 1)[1]}." if marker == "On va" else f"Là, {phrase}.")
            lines.append((st.start + float(rng.uniform(-0.6, 0.8)), text))
        if st.end - st.start > 8 and rng.random() < 0.4:
            lines.append((st.start + (st.end - st.start) * float(rng.uniform(0.45, 0.65)), str(rng.choice(ASIDES))))
        for when, text in lines:
            when = max(when, busy_until + 0.2, 0.0)
            wav = workdir / f"s{len(segments)}.wav"
            subprocess.run(["espeak-ng", "-v", "fr", "-s", str(int(rng.integers(140, 175))), "-w", str(wav), text],
                           check=True, capture_output=True)
            with wave.open(str(wav)) as wf:
                sr = wf.getframerate()
                pcm = np.frombuffer(wf.readframes(wf.getnframes()), np.int16).astype(np.float32) / 32768
            if sr != rate:
                pcm = np.interp(np.arange(0, len(pcm), sr / rate), np.arange(len(pcm)), pcm).astype(np.float32)
            voiced = np.where(np.abs(pcm) > 0.02)[0]
            lead = voiced[0] / rate if voiced.size else 0.0
            speech = (voiced[-1] - voiced[0]) / rate if voiced.size else len(pcm) / rate
            begin = when - lead
            i0 = int(max(0.0, begin) * rate)
            chunk = pcm[: max(0, min(len(pcm), len(audio) - i0))]
            audio[i0:i0 + len(chunk)] += chunk * 0.8
            start = round(float(when), 3)
            end = round(float(min(duration, when + speech)), 3)
            words, total = text.split(), sum(len(w) + 1 for w in text.split())
            wt, wlist = start, []
            for word in words:
                d = (end - start) * (len(word) + 1) / total
                wlist.append({"start": round(float(wt), 3), "end": round(float(wt + d * 0.9), 3), "word": " " + word,
                              "probability": 0.9})
                wt += d
            segments.append({"start": start, "end": end, "text": " " + text, "words": wlist})
            busy_until = end
    return np.clip(audio, -1, 1), {"language": "fr", "duration": round(duration, 3), "segments": segments}


SCENES = ("bench", "tap")


@dataclass
class ClipPlan:
    """What a seed decides before the narration: size, duration, steps and the renderer of the frames."""

    rng: np.random.Generator  # the seed's generator, where the narration goes on drawing
    width: int
    height: int
    fps: float
    duration: float
    steps: list[_Step]
    renderer: _Renderer
    rest_out: dict[int, bool]
    other_side: float

    @property
    def frame_count(self) -> int:
        return int(round(self.duration * self.fps))

    def frame(self, k: int) -> np.ndarray:
        """Frame ``k`` (BGR), as ``generate_clip`` encodes it."""
        return _render(self.renderer, self.steps, self.rest_out, self.other_side, k / self.fps, k)


def plan_clip(seed: int, *, size: tuple[int, int] | None = None, fps: float = 25.0, duration: float | None = None,
              scene: str = "bench") -> ClipPlan:
    """The clip ``seed`` gives. ``scene``: "bench" (the benchmark's cluttered workbench) or "tap" (a washbasin
    under repair, ``tap_scene.py``: `make run`'s demo); the scene changes what is drawn around the hands and
    the tool in the working hand, never the seed's steps, hands, camera, lighting or narration."""
    if scene not in SCENES:
        raise ValueError(f"unknown scene {scene!r}: one of {SCENES}")
    rng = np.random.default_rng(seed)
    w, h = size or SIZES[int(rng.integers(len(SIZES)))]
    duration = float(duration or rng.uniform(30, 60))
    steps = _timeline(rng, duration)
    renderer = _Renderer(rng, w, h, fps, duration, scene=scene, steps=steps)
    rest_out = {i: bool(rng.random() < 0.5) for i in range(len(steps) + 1)}
    other_side = float(rng.choice([-1, 1]))
    return ClipPlan(rng, w, h, fps, duration, steps, renderer, rest_out, other_side)


def generate_clip(out: str | Path, seed: int, *, size: tuple[int, int] | None = None, fps: float = 25.0,
                  duration: float | None = None, narration: bool = True, crf: int = 23,
                  scene: str = "bench") -> SyntheticClip:
    """Render, narrate and encode one clip (H.264 + AAC in MP4); reproducible from ``seed``
    (``scene``: see ``plan_clip``)."""
    plan = plan_clip(seed, size=size, fps=fps, duration=duration, scene=scene)
    rng, w, h, duration, steps = plan.rng, plan.width, plan.height, plan.duration, plan.steps
    renderer = plan.renderer
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        audio, transcript = _narration(rng, steps, workdir, duration) if narration else (
            np.zeros(int(duration * 22050), np.float32), {"language": "fr", "duration": duration, "segments": []})
        wav = workdir / "narration.wav"
        with wave.open(str(wav), "wb") as wf:
            wf.setnchannels(1)
            wf.setsampwidth(2)
            wf.setframerate(22050)
            wf.writeframes((audio * 32767).astype(np.int16).tobytes())
        cmd = ["ffmpeg", "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{w}x{h}",
               "-r", f"{fps:g}", "-i", "-", "-i", str(wav), "-map", "0:v", "-map", "1:a",
               "-c:v", "libx264", "-preset", "ultrafast", "-crf", str(crf), "-pix_fmt", "yuv420p",
               "-c:a", "aac", "-b:a", "64k", "-t", f"{duration:.3f}", "-movflags", "+faststart", str(out)]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdin is not None
        n = plan.frame_count
        hands = []
        every = max(1, int(round(fps / 5)))
        try:
            for k in range(n):
                frame = plan.frame(k)
                if k % every == 0 and renderer.working_hand is not None:
                    hands.append((round(k / fps, 3), *renderer.working_hand))
                proc.stdin.write(frame.tobytes())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.wait() != 0:
            raise RuntimeError(f"ffmpeg failed: {err[-1000:]}")
    return SyntheticClip(path=str(out), steps=[(round(s.start, 3), round(s.end, 3)) for s in steps],
                         transcript=transcript, seed=seed, width=w, height=h, fps=fps, duration=duration,
                         gestures=[s.gesture for s in steps], hands=hands)


def _smoothstep(u: float) -> float:
    u = min(1.0, max(0.0, u))
    return u * u * (3 - 2 * u)


def _render(r: _Renderer, steps: list[_Step], rest_out: dict[int, bool], other_side: float, t: float,
            k: int) -> np.ndarray:
    m = r.camera(t)
    if r.scale < 1.0:
        ml = m.copy()
        ml[:, 2] *= r.scale
        small = cv2.warpAffine(r.canvas, ml, (int(round(r.w * r.scale)), int(round(r.h * r.scale))),
                               flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        img = cv2.resize(small, (r.w, r.h), interpolation=cv2.INTER_LINEAR)
    else:
        img = cv2.warpAffine(r.canvas, m, (r.w, r.h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    # Where are the hands? Inside a step: its gesture; between touching steps: a quick move;
    # in a rest: still where they were, or pulled out of frame.
    idx = None
    for i, st in enumerate(steps):
        if st.start <= t < st.end:
            idx = i
            break
    hidden = (0.5, 1.35)
    tool = None
    if idx is not None:
        st = steps[idx]
        env = _smoothstep(min((t - st.start) / 0.3, (st.end - t) / 0.3))
        dx, dy, ang, tang = _gesture_pose(st, t - st.start)
        site = st.site
        # Entering from a rest with hands out of frame, or from the previous step's site.
        prev_touch = idx > 0 and abs(steps[idx - 1].end - st.start) < 1e-6
        if t - st.start < 0.35:
            frm = steps[idx - 1].site if prev_touch else (hidden if rest_out.get(idx) else site)
            u = _smoothstep((t - st.start) / 0.35 * 0.5 + 0.5) if prev_touch else _smoothstep((t - st.start) / 0.35)
            site = (frm[0] + (site[0] - frm[0]) * u, frm[1] + (site[1] - frm[1]) * u)
        nxt_touch = idx + 1 < len(steps) and abs(steps[idx + 1].start - st.end) < 1e-6
        if st.end - t < 0.35 and nxt_touch:
            to = steps[idx + 1].site
            u = _smoothstep((0.35 - (st.end - t)) / 0.35 * 0.5)
            site = (site[0] + (to[0] - site[0]) * u, site[1] + (to[1] - site[1]) * u)
        elif st.end - t < 0.35 and rest_out.get(idx + 1):
            u = _smoothstep((0.35 - (st.end - t)) / 0.35)
            site = (site[0] + (hidden[0] - site[0]) * u, site[1] + (hidden[1] - site[1]) * u)
        pos = (site[0] + dx * env * r.hand / r.h * r.h / r.w, site[1] + dy * env * r.hand / r.h)
        ang, tang, tool, gesture = ang * env, tang * env, st.gesture, st.gesture
        other = (site[0] + other_side * 0.22, site[1] + 0.05)
    else:
        # Rest: the last site (still) or out of frame.
        before = [s for s in steps if s.end <= t]
        gap = len(before)
        site = before[-1].site if before else (steps[0].site if steps else (0.5, 0.6))
        pos = hidden if rest_out.get(gap) else site
        if rest_out.get(gap) and before and gap < len(steps):
            pass
        tremor = 0.002 * math.sin(2 * math.pi * 0.8 * t)
        pos = (pos[0] + tremor, pos[1])
        ang = tang = 0.0
        gesture = ""
        other = (pos[0] + other_side * 0.22, pos[1] + 0.05)
    ox, oy = r.to_screen(m, other)
    r.draw_hand(img, ox, oy, -other_side * 0.3, int(other_side), None)
    hx, hy = r.to_screen(m, pos)
    r.draw_hand(img, hx, hy, ang, int(-other_side), tool if gesture else None, tang)
    r.working_hand = (round(hx / r.w, 4), round(hy / r.h, 4)) if gesture else None
    g = r.gain(t)
    if abs(g - 1.0) > 1e-3:
        img = cv2.LUT(img, np.clip(np.arange(256) * g, 0, 255).astype(np.uint8))
    img = cv2.multiply(img, r.vignette, scale=1 / 255.0)
    return cv2.add(img, r.noise[k % 3])
