"""Is a machine-made text really in the language it claims? (Whisper's translate task on poor
speech can return the source language, which must not be published as an English track.)"""

from __future__ import annotations

from simplemma import in_target_language


def language_share(text: str, lang: str) -> float:
    """Share (0-1) of the text's words that simplemma recognises as ``lang``; 0 for no words."""
    return float(in_target_language(text, lang=lang)) if text and text.strip() else 0.0
