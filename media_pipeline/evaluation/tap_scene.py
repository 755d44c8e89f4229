"""A washbasin seen from the plumber's head: the picture of `make run`'s demo (a tap-seal repair).

``synthetic.generate_clip(..., scene="tap")`` draws this in place of the cluttered workbench, under the
same hands, timeline, camera and lighting: a tiled wall, a speckled vanity top with a white basin, a pair
of chrome pillar taps (the hot one open, its head under the spanner, its crosshead handle lying beside
it; the cold one whole), the shut-off valve on the supply pipe, and the old and new seals on the basin's
edge. The working hand holds the trade's tool for the gesture it makes: an adjustable spanner while it
unscrews (``wrench``), the old seal it pulls out (``hammer``), the new seal between the fingers
(``pick_place``), a cloth to feel for leaks (``measure``); other gestures keep the bench's tools.

Everything is drawn with OpenCV from fixed numbers: no image file, no draw from the clip's seed, so the
generator's default clips stay exactly as they were (``tests/media_pipeline/test_synthetic.py``).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

AA = cv2.LINE_AA
# BGR. The scene keeps away from skin colours (no wood, brass or copper): the pipeline's hand-colour cue
# learns the hands' colours from what moves, and the basin must not look like a hand.
TILE = (226, 214, 188)
GROUT = (168, 170, 168)
FRIEZE = (176, 122, 52)
STONE = (206, 208, 206)
CERAMIC = (246, 246, 244)
CHROME_DARK = (92, 96, 102)
HOT = (40, 40, 210)
COLD = (205, 120, 30)
SEAL = (34, 34, 38)
VALVE = (40, 40, 200)


class _Place:
    """Neutral-camera screen coordinates (0-1 of the picture, beyond it in the margin) to canvas pixels."""

    def __init__(self, w: int, h: int, cw: int, ch: int, scale: float):
        self.w, self.h, self.cw, self.ch, self.scale = w, h, cw, ch, scale
        self.u = h * scale  # canvas pixels per picture height

    def __call__(self, sx: float, sy: float) -> tuple[int, int]:
        return (int(round((sx * self.w + (self.cw - self.w) / 2) * self.scale)),
                int(round((sy * self.h + (self.ch - self.h) / 2) * self.scale)))

    def d(self, fraction_of_height: float) -> int:
        return max(1, int(round(fraction_of_height * self.u)))


def _chrome_bar(img: np.ndarray, p0: tuple[float, float], p1: tuple[float, float], width: float) -> None:
    """A chrome tube from p0 to p1 (canvas pixels): dark rim, grey body, one bright highlight off-centre."""
    x0, y0 = p0
    x1, y1 = p1
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    for frac, off, color in ((1.0, 0.0, CHROME_DARK), (0.8, 0.0, (150, 154, 160)), (0.55, -0.1, (196, 200, 204)),
                             (0.22, -0.22, (250, 250, 250))):
        wd = max(1, int(round(width * frac)))
        o = off * width
        cv2.line(img, (int(x0 + nx * o), int(y0 + ny * o)), (int(x1 + nx * o), int(y1 + ny * o)), color, wd, AA)


def _chrome_disc(img: np.ndarray, c: tuple[int, int], axes: tuple[int, int]) -> None:
    cv2.ellipse(img, c, axes, 0, 0, 360, CHROME_DARK, -1, AA)
    cv2.ellipse(img, c, (int(axes[0] * 0.85), int(axes[1] * 0.8)), 0, 0, 360, (170, 174, 178), -1, AA)
    cv2.ellipse(img, (c[0] - axes[0] // 4, c[1] - axes[1] // 4), (max(1, axes[0] // 3), max(1, axes[1] // 4)), 0, 0,
                360, (245, 245, 245), -1, AA)


def _seal(img: np.ndarray, c: tuple[int, int], r: int, worn: bool = False) -> None:
    """A flat rubber seal seen from above: a black ring with a glint (a worn one is grey, cracked, squashed)."""
    axes = (r, int(r * (0.62 if worn else 0.72)))
    cv2.ellipse(img, (c[0] + r // 5, c[1] + r // 4), axes, 0, 0, 360, (150, 150, 150), -1, AA)  # shadow
    cv2.ellipse(img, c, axes, 0, 0, 360, (70, 72, 74) if worn else SEAL, -1, AA)
    cv2.ellipse(img, c, (int(axes[0] * 0.45), int(axes[1] * 0.45)), 0, 0, 360, STONE, -1, AA)
    if worn:
        cv2.line(img, (c[0] + int(0.5 * r), c[1] - int(0.1 * r)), (c[0] + r, c[1] + int(0.15 * r)), STONE, 2, AA)
    else:
        cv2.ellipse(img, c, (int(axes[0] * 0.78), int(axes[1] * 0.78)), 0, 200, 280, (140, 140, 146), 2, AA)


def _crosshead(img: np.ndarray, c: tuple[int, int], r: int, cap: tuple[int, int, int], ang: float = 0.0) -> None:
    """A crosshead tap handle seen from above: four chrome arms and a coloured cap (hot red, cold blue)."""
    for k in range(4):
        a = ang + k * math.pi / 2
        _chrome_bar(img, c, (c[0] + r * math.cos(a), c[1] + 0.8 * r * math.sin(a)), 0.34 * r)
        cv2.circle(img, (int(c[0] + r * math.cos(a)), int(c[1] + 0.8 * r * math.sin(a))), int(0.2 * r),
                   (180, 184, 188), -1, AA)
    _chrome_disc(img, c, (int(0.45 * r), int(0.38 * r)))
    cv2.ellipse(img, c, (int(0.28 * r), int(0.22 * r)), 0, 0, 360, cap, -1, AA)


def landmarks(anchor: tuple[float, float]) -> dict[str, tuple[float, float]]:
    """Where the scene puts what tells a viewer it is a tap repair, in neutral-camera screen coordinates (0-1),
    from the hot tap's head at ``anchor``."""
    ax, ay = anchor
    return {"hot_tap_head": (ax, ay), "cold_tap_cap": (ax + 0.3, ay - 0.005), "hot_handle_cap": (ax - 0.26, ay + 0.07),
            "valve": (ax - 0.36, ay - 0.42), "basin": (ax + 0.14, ay + 0.5)}


def tap_canvas(w: int, h: int, cw: int, ch: int, scale: float, anchor: tuple[float, float],
               hand: float) -> np.ndarray:
    """The washbasin at canvas size (``cw`` x ``ch`` scaled by ``scale``): the hot tap's head at ``anchor``,
    the neutral-camera screen point (0-1) where the spanner grips; ``hand``: the hand's size (0-1 of height)."""
    place = _Place(w, h, cw, ch, scale)
    hh, ww = int(ch * scale), int(cw * scale)
    img = np.empty((hh, ww, 3), np.uint8)
    ax, ay = anchor
    marks = landmarks(anchor)
    d = place.d
    local = np.random.default_rng(20240607)  # the scene's own fixed draws: never the clip's seed
    # The wall: square tiles with a blue frieze, down to the vanity top.
    wall_y = place(0, ay - 0.27)[1]
    tile = d(0.125)
    x_first = place(ax, 0)[0] % tile
    for row, y in enumerate(range(wall_y, -tile, -tile)):
        for x in range(x_first - tile, ww, tile):
            g = int(local.integers(-6, 5))
            color = FRIEZE if row == 1 else tuple(c + g for c in TILE)
            cv2.rectangle(img, (x, y - tile), (x + tile, y), color, -1)
            cv2.line(img, (x + 3, y - tile + 4), (x + tile // 2, y - tile + 4), (252, 252, 252), 1, AA)
    for y in range(wall_y, -tile, -tile):
        cv2.line(img, (0, y), (ww, y), GROUT, d(0.006))
    for x in range(x_first - tile, ww, tile):
        cv2.line(img, (x, 0), (x, wall_y), GROUT, d(0.006))
    # The vanity top: light speckled stone, a shadow along the wall.
    top = img[wall_y:]
    top[:] = STONE
    for _ in range(int(ww * top.shape[0] / 1600)):
        x, y = int(local.integers(0, ww)), int(local.integers(0, top.shape[0]))
        g = int(local.choice([130, 150, 170, 232]))
        cv2.circle(top, (x, y), d(local.uniform(0.004, 0.008)), (g, g, g + 4), -1, AA)
    cv2.rectangle(img, (0, wall_y), (ww, wall_y + d(0.018)), (150, 152, 150), -1)
    cv2.line(img, (0, wall_y + d(0.018)), (ww, wall_y + d(0.018)), (228, 230, 228), 1, AA)
    # The basin: a white bowl set in the top, shaded inside, the plug hole and the overflow.
    bc, baxes = place(*marks["basin"]), (d(0.62), d(0.29))
    rim = (baxes[0] + d(0.045), baxes[1] + d(0.04))
    cv2.ellipse(img, (bc[0], bc[1] - d(0.01)), rim, 0, 0, 360, CERAMIC, -1, AA)
    cv2.ellipse(img, (bc[0], bc[1] - d(0.01)), rim, 0, 0, 360, (190, 192, 194), d(0.004), AA)
    for k, color in enumerate(((178, 182, 186), (200, 204, 206), (220, 222, 224), (234, 236, 236))):
        f = 1.0 - 0.12 * k
        cv2.ellipse(img, (bc[0], bc[1] + int(baxes[1] * 0.18 * k)), (int(baxes[0] * f), int(baxes[1] * f)), 0, 0,
                    360, color, -1, AA)
    drain = (bc[0] + d(0.02), bc[1] + d(0.12))
    _chrome_disc(img, drain, (d(0.06), d(0.035)))
    for k in (-2, -1, 0, 1, 2):
        cv2.line(img, (drain[0] + k * d(0.018) - d(0.008), drain[1] - d(0.01)),
                 (drain[0] + k * d(0.018) + d(0.008), drain[1] + d(0.01)), (70, 72, 76), d(0.004), AA)
    overflow = (bc[0], bc[1] - baxes[1] + d(0.05))
    cv2.ellipse(img, overflow, (d(0.045), d(0.012)), 0, 0, 360, (120, 124, 128), -1, AA)
    for _ in range(14):  # water drops left in the bowl
        a, r = local.uniform(0, 2 * math.pi), local.uniform(0.2, 0.8)
        c = (int(bc[0] + r * baxes[0] * math.cos(a)), int(bc[1] + r * baxes[1] * math.sin(a) * 0.8))
        cv2.circle(img, c, d(0.006), (214, 206, 196), -1, AA)
        cv2.circle(img, (c[0] - 1, c[1] - 1), d(0.002), (255, 255, 255), -1, AA)
    # The supply pipe down the wall with its shut-off valve (the lever across the pipe: the water is cut).
    vx, vy = place(*marks["valve"])
    _chrome_bar(img, (vx, place(0, ay - 0.8)[1]), (vx, wall_y + d(0.02)), d(0.045))
    cv2.rectangle(img, (vx - d(0.045), vy - d(0.04)), (vx + d(0.045), vy + d(0.04)), (130, 134, 140), -1)
    cv2.rectangle(img, (vx - d(0.045), vy - d(0.04)), (vx + d(0.045), vy + d(0.04)), CHROME_DARK, 2, AA)
    cv2.line(img, (vx, vy), (vx + d(0.16), vy - d(0.015)), VALVE, d(0.03), AA)
    cv2.circle(img, (vx, vy), d(0.022), (60, 60, 60), -1, AA)
    # The taps: pillars on the back of the basin. The hot one (left) without its handle, the head's hexagon
    # under the spanner; the cold one whole.
    for i, (tx, cap) in enumerate(((ax, HOT), (ax + 0.3, COLD))):
        base, head = place(tx, ay + 0.11), place(tx, ay)
        cv2.ellipse(img, (base[0] + d(0.012), base[1] + d(0.012)), (d(0.06), d(0.028)), 0, 0, 360, (150, 152, 150), -1,
                    AA)
        _chrome_disc(img, base, (d(0.058), d(0.026)))
        _chrome_bar(img, base, head, d(0.055))
        mid, tip = place(tx, ay + 0.05), place(tx + 0.03, ay + 0.2)  # the spout, towards the bowl
        _chrome_bar(img, mid, tip, d(0.034))
        cv2.ellipse(img, tip, (d(0.017), d(0.01)), 0, 0, 360, (70, 74, 80), -1, AA)
        if i == 0:
            r = d(0.15 * hand)
            corners = [k * math.pi / 3 for k in range(6)]
            hexagon = np.array([(head[0] + r * math.cos(a), head[1] + 0.75 * r * math.sin(a)) for a in corners],
                               np.int32)
            cv2.fillPoly(img, [hexagon], (150, 154, 160), AA)
            cv2.polylines(img, [hexagon], True, CHROME_DARK, d(0.004), AA)
            cv2.ellipse(img, (head[0], head[1] - d(0.01)), (d(0.01), d(0.008)), 0, 0, 360, (200, 204, 208), -1, AA)
        else:
            _crosshead(img, place(*marks["cold_tap_cap"]), d(0.075), cap, 0.4)
    # On the basin's edge, right of the cold tap: the bag of new seals, open, two of them out.
    sx = ax + 0.46
    bag = np.array([place(sx - 0.02, ay - 0.04), place(sx + 0.15, ay - 0.07), place(sx + 0.18, ay + 0.06),
                    place(sx + 0.01, ay + 0.09)], np.int32)
    cv2.fillPoly(img, [bag], (236, 232, 224), AA)
    cv2.polylines(img, [bag], True, (176, 172, 166), 2, AA)
    cv2.line(img, tuple(bag[0]), tuple(bag[1]), COLD, d(0.012), AA)
    for ox, oy in ((0.05, 0.0), (0.11, -0.01), (0.09, 0.04)):
        _seal(img, place(sx + ox, ay + oy), d(0.026))
    _seal(img, place(ax + 0.2, ay + 0.14), d(0.034))
    _seal(img, place(sx - 0.06, ay + 0.15), d(0.034))
    # Left of the hot tap, on a blue cloth: its crosshead handle, taken off, and the old seal, worn.
    cloth = np.array([place(ax - 0.34, ay + 0.02), place(ax - 0.12, ay - 0.02), place(ax - 0.1, ay + 0.14),
                      place(ax - 0.33, ay + 0.18)], np.int32)
    cv2.fillPoly(img, [cloth], (170, 110, 40), AA)
    cv2.polylines(img, [cloth], True, (130, 80, 25), 2, AA)
    _crosshead(img, place(*marks["hot_handle_cap"]), d(0.06), HOT, 0.9)
    _seal(img, place(ax - 0.16, ay + 0.11), d(0.034), worn=True)
    cv2.line(img, place(ax - 0.31, ay + 0.145), place(ax - 0.23, ay + 0.155), (20, 170, 230), d(0.022), AA)
    cv2.line(img, place(ax - 0.23, ay + 0.155), place(ax - 0.15, ay + 0.165), (184, 188, 194), d(0.008), AA)
    # Mottled light over everything, strongest on the granite, then the glazed tiles, least in the bowl: the
    # pipeline reads the head's motion from the picture's texture, and flat tiles and stone in a repeating
    # grid misled its optical flow (residual motion in rests and head turns, a rest lost, a gesture split).
    amp = np.full((hh, ww), 0.3, np.float32)
    amp[:wall_y] = 0.25
    bowl = np.zeros((hh, ww), np.uint8)
    cv2.ellipse(bowl, (bc[0], bc[1] - d(0.01)), rim, 0, 0, 360, 1, -1)
    amp[bowl > 0] = 0.15
    amp = cv2.GaussianBlur(amp, (0, 0), d(0.01))
    fine = cv2.resize(local.random((max(2, hh // d(0.02)), max(2, ww // d(0.02)))).astype(np.float32), (ww, hh),
                      interpolation=cv2.INTER_CUBIC)
    coarse = cv2.resize(local.random((max(2, hh // d(0.12)), max(2, ww // d(0.12)))).astype(np.float32), (ww, hh),
                        interpolation=cv2.INTER_CUBIC)
    yy, xx = np.mgrid[0:hh, 0:ww].astype(np.float32)
    lamp = 1.0 - 0.12 * (((xx - 0.45 * ww) / ww) ** 2 + ((yy - 0.4 * hh) / hh) ** 2)
    gain = (1.0 + amp * (fine - 0.5) + 0.1 * (coarse - 0.5)) * lamp
    return np.clip(img.astype(np.float32) * gain[..., None], 0, 255).astype(np.uint8)


def draw_tap_tool(img: np.ndarray, x: float, y: float, s: float, ang: float, gesture: str) -> bool:
    """Draw the tool the working hand holds in the tap scene (hand at x, y; hand size s; angle ang).

    Returns False for a gesture the scene has no tool of its own for (the bench's tool is drawn)."""
    ca, sa = math.cos(ang), math.sin(ang)

    def p(px: float, py: float) -> tuple[int, int]:
        return int(x + (px * ca - py * sa) * s), int(y + (px * sa + py * ca) * s)

    if gesture == "wrench":
        # An adjustable spanner, its jaws round the tap's head. The hand swings on an arc about the point 0.9
        # hand above where it rests (``synthetic._gesture_pose``); turned the other way from the hand, the
        # spanner pivots there, on the head, as a spanner does.
        ca, sa = math.cos(-ang), math.sin(-ang)
        cv2.line(img, p(0, 0.6), p(0, -0.72), (88, 92, 98), int(0.2 * s), AA)
        cv2.line(img, p(-0.03, 0.55), p(-0.03, -0.7), (200, 204, 210), max(2, int(0.07 * s)), AA)
        head = np.array([p(-0.3, -0.62), p(0.3, -0.62), p(0.36, -0.85), p(0.3, -1.12), p(0.15, -1.12),
                         p(0.15, -0.8), p(-0.15, -0.8), p(-0.15, -1.12), p(-0.3, -1.12)], np.int32)
        cv2.fillPoly(img, [head], (170, 174, 180), AA)
        cv2.polylines(img, [head], True, (70, 74, 80), 2, AA)
        cv2.line(img, p(-0.22, -0.7), p(0.22, -0.7), (90, 94, 100), max(1, int(0.05 * s)), AA)  # the worm
        return True
    if gesture == "hammer":  # the old seal, pulled out of the tap's seat: worn grey, pinched at the fingertips
        c = p(0.05, -0.85)
        cv2.ellipse(img, c, (int(0.22 * s), int(0.14 * s)), math.degrees(ang), 0, 360, (70, 72, 74), -1, AA)
        cv2.ellipse(img, c, (int(0.1 * s), int(0.06 * s)), math.degrees(ang), 0, 360, (200, 200, 200), -1, AA)
        return True
    if gesture == "pick_place":  # the new seal, pinched at the fingertips
        c = p(0.05, -0.85)
        cv2.ellipse(img, c, (int(0.2 * s), int(0.15 * s)), math.degrees(ang), 0, 360, SEAL, -1, AA)
        cv2.ellipse(img, c, (int(0.09 * s), int(0.065 * s)), math.degrees(ang), 0, 360, (215, 215, 215), -1, AA)
        return True
    if gesture == "measure":  # a blue cloth, feeling the joint for a leak
        pts = np.array([p(-0.45, -0.2), p(0.4, -0.35), p(0.5, 0.3), p(-0.35, 0.4)], np.int32)
        cv2.fillPoly(img, [pts], (170, 110, 40), AA)
        cv2.polylines(img, [pts], True, (120, 70, 20), 2, AA)
        return True
    return False
