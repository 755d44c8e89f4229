"""WebVTT details shared by captions, thumbnail tracks and chapter tracks."""


def timestamp(seconds: float) -> str:
    """HH:MM:SS.mmm as WebVTT cue timings want it (never negative)."""
    millis = int(round(max(0.0, seconds) * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def has_cues(vtt_text: str) -> bool:
    """Whether a WebVTT file holds at least one cue with text (a header alone offers nothing to read)."""
    blocks = vtt_text.replace("\r\n", "\n").split("\n\n")
    for block in blocks:
        lines = [line for line in block.split("\n") if line.strip()]
        for i, line in enumerate(lines):
            if "-->" in line:
                if any(text.strip() for text in lines[i + 1:]):
                    return True
                break
    return False
