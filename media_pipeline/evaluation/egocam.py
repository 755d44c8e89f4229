"""A second, independent generator of head-camera work clips with known steps.

Written apart from ``synthetic.py`` so that a segmenter tuned on one synthetic world can be
judged on another: a different gesture vocabulary (reach, place, inspect, hold, wipe gently,
screw, cut, tape, sort, stir), many of them slow and small; a wide-angle or fisheye lens; a head
that never stops moving (sway, breathing, glances away); other benches, lighting and skin tones,
gloves; and, during rests, hands that stay in view lying still on the bench as often as they
leave it. The expert speaks now and then, as Whisper would transcribe it (words without
spaces, times per word), mostly while working.

Truth: ``steps`` are the spans where the expert performs a gesture; everything else is rest.
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np

GESTURES = ("reach", "place", "inspect", "hold", "wipe_gently", "screw", "cut", "tape", "sort", "stir")
# How much the active hand travels (world px at 1x) and how fast (cycles per second).
_KIN = {
    "reach": (70, 0.35), "place": (45, 0.6), "inspect": (6, 0.3), "hold": (2.5, 0.5),
    "wipe_gently": (14, 0.45), "screw": (4, 1.4), "cut": (12, 2.0), "tape": (40, 0.5),
    "sort": (28, 0.9), "stir": (9, 1.1),
}
SAYINGS = {
    "reach": ("je vais chercher la pièce au fond", "on attrape le carton à droite"),
    "place": ("je pose les cales une par une", "on range les pièces sur la ligne"),
    "inspect": ("je regarde bien l'état du joint", "on vérifie qu'il n'y a pas de fissure"),
    "hold": ("je maintiens la pièce le temps que ça prenne", "on tient bien en place"),
    "wipe_gently": ("j'essuie doucement la surface", "on nettoie sans appuyer"),
    "screw": ("je visse la petite vis", "on serre la vis à la main"),
    "cut": ("je coupe le fil au cutter", "on tranche proprement"),
    "tape": ("je déroule le ruban adhésif", "on colle la bande le long du bord"),
    "sort": ("je trie les vis dans la boîte", "on sépare les rondelles"),
    "stir": ("je mélange la colle", "on remue bien le produit"),
}
MARKERS = ("Ensuite", "Maintenant", "Puis", "Après", "Alors", "D'abord")
REMARKS = ("Voilà.", "Comme ça.", "Attention à bien faire ça.", "Doucement.", "C'est bon.")
SKINS = ((205, 225, 250), (150, 185, 225), (110, 150, 200), (75, 110, 160), (50, 75, 115), (38, 55, 85))
RETREAT = 0.7  # seconds the hands take to go back to rest after a gesture
GLOVES = ((190, 120, 40), (40, 40, 40), (60, 160, 220), (70, 140, 70))  # BGR: blue, black, orange, green


@dataclass
class EgoClip:
    """A generated clip and its truth (same fields as the first generator's clips)."""

    path: str
    steps: list[tuple[float, float]]
    transcript: dict
    seed: int
    width: int
    height: int
    fps: float
    duration: float
    gestures: list[str] = field(default_factory=list)
    lens: str = "wide"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Act:
    start: float
    end: float
    gesture: str
    site: tuple[float, float]  # world px
    tool: tuple[int, int, int]
    speed: float


def _bench(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    kind = rng.integers(4)
    base = np.array(rng.integers(40, 200, 3), np.float32)
    img = np.empty((h, w, 3), np.float32)
    img[:] = base
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == 0:  # planks
        pw = rng.integers(30, 70)
        img += (((xx // pw) % 2) * 18 - 9)[..., None]
        img += (np.sin(yy / rng.uniform(3, 9) + np.sin(xx / 23) * 2) * 10)[..., None]
    elif kind == 1:  # tiles
        t = rng.integers(25, 60)
        grout = ((xx % t) < 2) | ((yy % t) < 2)
        img[grout] = base * 0.5
    elif kind == 2:  # brushed metal
        img += (rng.normal(0, 1, (h, 1)).astype(np.float32) * 12)[..., None].repeat(w, 1)
    else:  # cutting mat with a grid
        img[:] = (60, 110, 40) if rng.random() < 0.5 else base
        grid = ((xx % 40) < 1) | ((yy % 40) < 1)
        img[grid] = (200, 200, 200)
    noise = cv2.resize(rng.normal(0, 1, (h // 16 + 1, w // 16 + 1)).astype(np.float32), (w, h))
    img += noise[..., None] * 12
    for _ in range(rng.integers(8, 16)):  # clutter: boxes, jars, rags
        c = tuple(int(v) for v in rng.integers(20, 235, 3))
        x, y = int(rng.uniform(0, w)), int(rng.uniform(0, h))
        if rng.random() < 0.5:
            cv2.rectangle(img, (x, y), (x + int(rng.integers(15, 70)), y + int(rng.integers(15, 60))), c, -1)
        else:
            cv2.circle(img, (x, y), int(rng.integers(8, 30)), c, -1)
    return np.clip(img, 0, 255).astype(np.uint8)


def _fisheye_maps(w: int, h: int, k1: float) -> tuple[np.ndarray, np.ndarray]:
    """Output pixel -> source pixel of a barrel lens (equidistant-like with strength k1)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    nx, ny = (xx - w / 2) / (w / 2), (yy - h / 2) / (w / 2)
    r = np.sqrt(nx * nx + ny * ny)
    scale = 1 + k1 * r * r
    return (nx * scale * (w / 2) + w / 2).astype(np.float32), (ny * scale * (w / 2) + h / 2).astype(np.float32)


def _smooth(u: float) -> float:
    u = min(1.0, max(0.0, u))
    return u * u * (3 - 2 * u)


class _World:
    def __init__(self, rng: np.random.Generator, w: int, h: int):
        self.rng = rng
        self.W, self.H = int(w * 2.2), int(h * 2.4)
        self.bench = _bench(rng, self.H, self.W)
        self.cx, self.cy = self.W / 2, self.H * 0.45
        self.gloved = rng.random() < 0.25
        self.skin = GLOVES[rng.integers(len(GLOVES))] if self.gloved else SKINS[rng.integers(len(SKINS))]
        self.hand_size = rng.uniform(0.9, 1.25) * w / 640 * 58
        self.sleeve = tuple(int(v) for v in rng.integers(20, 200, 3))
        # Where the hands lie when idle (in view, on the bench) and where they go when out of view.
        self.idle = ((self.cx - w * 0.22, self.cy + h * 0.32), (self.cx + w * 0.22, self.cy + h * 0.34))
        self.away = ((self.cx - w * 0.4, self.H + 200.0), (self.cx + w * 0.4, self.H + 200.0))
        self.shoulders = ((self.cx - w * 0.45, self.cy + h * 1.3), (self.cx + w * 0.45, self.cy + h * 1.3))

    def hand(self, img: np.ndarray, side: int, pos: tuple[float, float], ang: float, grip: float,
             tool: tuple[int, int, int] | None) -> None:
        s = self.hand_size
        x, y = pos
        sx, sy = self.shoulders[side]
        cv2.line(img, (int(sx), int(sy)), (int(x), int(y + s * 0.6)), self.sleeve, int(s * 1.3))
        skin = tuple(int(v) for v in self.skin)
        dark = tuple(int(v * 0.75) for v in self.skin)
        cv2.line(img, (int(sx + (x - sx) * 0.55), int(sy + (y - sy) * 0.55)), (int(x), int(y + s * 0.5)),
                 skin, int(s * 0.7))
        cv2.ellipse(img, (int(x), int(y)), (int(s * 0.55), int(s * 0.7)), math.degrees(ang), 0, 360, skin, -1)
        for i in range(4):
            a = ang - math.pi / 2 + (i - 1.5) * 0.28 * (1.2 - grip)
            length = s * (0.9 - 0.35 * grip) * (1 - abs(i - 1.5) * 0.12)
            tip = (int(x + math.cos(a) * length), int(y + math.sin(a) * length))
            cv2.line(img, (int(x), int(y)), tip, dark if i % 2 else skin, max(2, int(s * 0.18)))
        th = ang + (math.pi * 0.15 if side else -math.pi * 0.85)
        cv2.line(img, (int(x), int(y)), (int(x + math.cos(th) * s * 0.7), int(y + math.sin(th) * s * 0.7)),
                 skin, max(2, int(s * 0.2)))
        if tool is not None:
            a = ang - math.pi / 2
            cv2.line(img, (int(x), int(y)), (int(x + math.cos(a) * s * 1.6), int(y + math.sin(a) * s * 1.6)),
                     tool, max(2, int(s * 0.22)))


def _timeline(rng: np.random.Generator, duration: float, w: int, h: int, world: _World) -> list[_Act]:
    acts: list[_Act] = []
    t = rng.uniform(0.8, 3.0)
    prev = None
    while True:
        length = float(np.clip(rng.lognormal(math.log(8.0), 0.55), 3.5, 24.0))
        if t + length > duration - 1.0:
            break
        g = str(rng.choice([x for x in GESTURES if x != prev]))
        site = (world.cx + rng.uniform(-0.28, 0.28) * w, world.cy + rng.uniform(-0.05, 0.22) * h)
        tool = tuple(int(v) for v in rng.integers(0, 255, 3))
        acts.append(_Act(t, t + length, g, site, tool, rng.uniform(0.8, 1.25)))
        prev = g
        t += length + (rng.uniform(2.5, 6.0) if rng.random() < 0.6 else 0.0)
    return acts


def _pose(a: _Act, t: float, s: float) -> tuple[tuple[float, float], float, float, tuple[float, float], float]:
    """Active hand position, angle, grip; support hand position, angle, at time t in the act."""
    u = t - a.start
    amp, freq = _KIN[a.gesture]
    amp *= s
    freq *= a.speed
    ph = 2 * math.pi * freq * u
    x, y = a.site
    g = a.gesture
    ang, grip = 0.0, 0.6
    sup = (x - 110 * s, y + 25 * s)
    sup_ang = 0.2
    if g == "reach":
        k = 0.5 - 0.5 * math.cos(ph)
        x, y = x + amp * 0.6 * k, y - amp * k
        grip = 0.2 + 0.7 * (k > 0.9)
    elif g == "place":
        slot = int(u * freq)
        k = (u * freq) % 1.0
        lift = math.sin(math.pi * k)
        x, y = x - amp + (slot % 4) * amp * 0.6 + amp * 0.5 * k, y - amp * 0.3 * lift
        grip = 0.8 if k < 0.7 else 0.2
    elif g == "inspect":
        x, y = x + amp * math.sin(ph), y - 8 * s + amp * 0.5 * math.sin(ph * 0.7)
        ang = 0.35 * math.sin(ph)
        sup = (x - 2.0 * s * 10, y + 4)
        sup_ang = -ang
        grip = 0.9
    elif g == "hold":
        x, y = x + amp * math.sin(ph) * 0.5, y + amp * math.sin(ph * 1.7) * 0.3
        sup = (x - 2.5 * s * 10, y)
        grip = 0.9
    elif g == "wipe_gently":
        x, y = x + amp * math.cos(ph), y + amp * 0.6 * math.sin(ph)
        grip = 0.3
    elif g == "screw":
        ang = 0.7 * math.sin(ph)
        x, y = x + amp * math.sin(ph), y
        sup = (x - 1.8 * s * 10, y + 10 * s)
    elif g == "cut":
        x, y = x, y + amp * math.sin(ph)
        ang = 0.1
    elif g == "tape":
        k = (u * freq) % 1.0
        x, y = x - amp + 2 * amp * _smooth(k), y
        sup = (a.site[0] - amp - 20 * s, y + 5)
    elif g == "sort":
        k = (u * freq) % 1.0
        x, y = x + amp * math.sin(2 * math.pi * k), y - amp * 0.4 * math.sin(math.pi * k)
        grip = 0.8 if k < 0.5 else 0.3
    elif g == "stir":
        x, y = x + amp * math.cos(ph), y + amp * math.sin(ph)
        ang = 0.2
        sup = (x - 2.2 * s * 10, y + 6)
    return (x, y), ang, grip, sup, sup_ang


def _transcript(rng: np.random.Generator, acts: list[_Act], duration: float) -> dict:
    """Whisper-like French: words stripped of spaces, per-word times, mostly while working."""
    segs = []

    def say(t0: float, text: str) -> float:
        words = []
        t = t0
        for wd in text.split():
            d = 0.12 + 0.055 * len(wd)
            words.append({"start": round(t, 2), "end": round(t + d, 2), "word": wd, "probability": 0.9})
            t += d + 0.05
        segs.append({"start": words[0]["start"], "end": words[-1]["end"], "text": " " + text, "words": words})
        return t

    for i, a in enumerate(acts):
        if rng.random() < 0.85:
            body = str(rng.choice(SAYINGS[a.gesture]))
            lead = str(rng.choice(MARKERS)) + ", " if (i and rng.random() < 0.6) else ""
            text = (lead + body + ".") if lead else body[:1].upper() + body[1:] + "."
            t_end = say(max(0.0, a.start + rng.uniform(-0.6, 0.8)), text)
            if rng.random() < 0.4 and t_end + 2 < a.end:
                say(rng.uniform(t_end + 0.5, a.end - 1.5), str(rng.choice(REMARKS)))
    segs = [s for s in segs if s["end"] < duration]
    return {"language": "fr", "segments": segs}


def generate_egocam_clip(out: str | Path, seed: int, *, size: tuple[int, int] = (384, 288), fps: float = 12.0,
                         duration: float | None = None) -> EgoClip:
    """Draw one clip (video only, H.264) and return it with its true steps and transcript."""
    rng = np.random.default_rng(10_000 + seed)
    w, h = size
    duration = float(duration or rng.uniform(40, 70))
    world = _World(rng, w, h)
    acts = _timeline(rng, duration, w, h, world)
    lens = str(rng.choice(["fisheye", "wide", "fisheye", "normal"]))
    k1 = {"fisheye": rng.uniform(0.25, 0.45), "wide": rng.uniform(0.08, 0.18), "normal": 0.0}[lens]
    maps = _fisheye_maps(w, h, k1) if k1 > 0 else None
    zoom = 1.0 + k1 * 0.6  # a wider lens sees more of the bench
    s = w / 640
    # Continuous head motion: sway, breathing, slow drift; glances away now and then.
    sway = [(rng.uniform(0.05, 0.4), rng.uniform(0, 6.3), rng.uniform(4, 14) * s) for _ in range(4)]
    glances = [(float(rng.uniform(0, duration)), float(rng.uniform(0.8, 2.0)), float(rng.uniform(-1, 1)))
               for _ in range(int(duration // 15))]
    light0, light_f, light_a = rng.uniform(0.7, 1.2), rng.uniform(0.02, 0.1), rng.uniform(0.0, 0.15)
    tint = rng.uniform(0.85, 1.15, 3)
    vign = 1 - 0.35 * rng.random() * (((np.mgrid[0:h, 0:w][1] - w / 2) / w) ** 2
                                      + ((np.mgrid[0:h, 0:w][0] - h / 2) / w) ** 2)[..., None] * 4
    noise_sd = rng.uniform(1.5, 5.0)
    idle_mode = [int(rng.integers(3)) for _ in range(len(acts) + 1)]  # 0 in view, 1 away, 2 one of each
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["ffmpeg", "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{w}x{h}",
           "-r", f"{fps}", "-i", "-", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23",
           "-pix_fmt", "yuv420p", str(out)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    frame_rng = np.random.default_rng(seed)
    n = int(round(duration * fps))
    last = {0: world.idle[0], 1: world.idle[1]}
    try:
        for i in range(n):
            t = i / fps
            img = world.bench.copy()
            cur = next((a for a in acts if a.start <= t < a.end), None)
            k = sum(1 for a in acts if a.end <= t)
            if cur is not None:
                (ax, ay), ang, grip, sup, sang = _pose(cur, t, s)
                enter = _smooth((t - cur.start) / 0.6)
                ax = last[1][0] + (ax - last[1][0]) * enter
                ay = last[1][1] + (ay - last[1][1]) * enter
                sx, sy = last[0][0] + (sup[0] - last[0][0]) * enter, last[0][1] + (sup[1] - last[0][1]) * enter
                cv2.rectangle(img, (int(cur.site[0] - 30 * s), int(cur.site[1] - 8 * s)),
                              (int(cur.site[0] + 30 * s), int(cur.site[1] + 14 * s)), cur.tool[::-1], -1)
                world.hand(img, 0, (sx, sy), sang, 0.7, None)
                world.hand(img, 1, (ax, ay), ang, grip, cur.tool)
                if cur.end - t <= 1.0 / fps:
                    last = {0: (sx, sy), 1: (ax, ay)}
            else:
                mode = idle_mode[k]
                prev = acts[k - 1] if k else None
                since = t - prev.end if prev else 10.0
                go = _smooth(since / RETREAT)
                for side in (0, 1):
                    away = mode == 1 or (mode == 2 and side == 0)
                    tx, ty = (world.away if away else world.idle)[side]
                    tx += math.sin(t * 0.9 + side) * 1.2  # idle hands are never perfectly still
                    px, py = last[side]
                    pos = (px + (tx - px) * go, py + (ty - py) * go)
                    world.hand(img, side, pos, 0.1 * (side - 0.5), 0.2, None)
                if since >= RETREAT:
                    last = {side: ((world.away if (mode == 1 or (mode == 2 and side == 0)) else world.idle)[side])
                            for side in (0, 1)}
            # Head pose: pan/tilt/roll from sway, breathing and glances.
            dx = sum(a * math.sin(2 * math.pi * f * t + p) for f, p, a in sway)
            dy = sum(a * math.cos(2 * math.pi * f * 1.3 * t + p) for f, p, a in sway) * 0.7
            dy += 3 * s * math.sin(2 * math.pi * 0.25 * t)
            for g0, gd, gdir in glances:
                if g0 <= t < g0 + gd:
                    e = math.sin(math.pi * (t - g0) / gd)
                    dx += gdir * e * w * 0.35
                    dy -= e * h * 0.1
            roll = 0.04 * math.sin(2 * math.pi * 0.13 * t) + 0.02 * math.sin(2 * math.pi * 0.41 * t)
            cx, cy = world.cx + dx, world.cy + dy
            m = cv2.getRotationMatrix2D((cx, cy), math.degrees(roll), 1.0 / zoom)
            m[0, 2] += w / 2 - cx
            m[1, 2] += h / 2 - cy
            view = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
            if maps is not None:
                view = cv2.remap(view, maps[0], maps[1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
            gain = light0 * (1 + light_a * math.sin(2 * math.pi * light_f * t))
            f = view.astype(np.float32) * vign * tint * gain
            f += frame_rng.normal(0, noise_sd, f.shape[:2]).astype(np.float32)[..., None]
            proc.stdin.write(np.clip(f, 0, 255).astype(np.uint8).tobytes())
        proc.stdin.close()
        err = proc.stderr.read().decode(errors="replace")
        if proc.wait() != 0:
            raise RuntimeError(f"ffmpeg failed: {err[-1000:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # Truth: a step lasts while the hands move for it, so it ends once they are back at rest
    # (RETREAT seconds after the gesture when a rest follows); rests are hands idle.
    truth = []
    for i, a in enumerate(acts):
        chained = i + 1 < len(acts) and acts[i + 1].start <= a.end + 1e-6
        truth.append((round(a.start, 3), round(a.end if chained else min(a.end + RETREAT, n / fps), 3)))
    return EgoClip(path=str(out), steps=truth,
                   transcript=_transcript(rng, acts, duration), seed=seed, width=w, height=h, fps=fps,
                   duration=round(n / fps, 3), gestures=[a.gesture for a in acts], lens=lens)
