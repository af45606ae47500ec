"""A crisis detector that always finds the same signal, for tests of what a signal sets going,
and the level a real detector gives one message, for the tests of the crisis rules.

The fixed one answers only texts that hold the word SIGNAAL, so the other answers of an intake
stay plain.
"""

from __future__ import annotations

from dataclasses import replace

from flows.content import Content
from flows.crisis import CrisisHit
from flows.crisis.evaluate import Detector

MARK = "SIGNAAL"


class FixedDetector:
    """Finds `hit` in every text that holds MARK, nothing elsewhere."""

    def __init__(self, hit: CrisisHit) -> None:
        self.hit = hit

    def detect(self, text: str) -> CrisisHit | None:
        return self.hit if MARK in text else None


def content_finding(
    content: Content,
    *,
    category: str = "suicide",
    level: str = "acute",
    rule: str = "means_intent",
    about: str = "self",
    language: str = "nl",
) -> Content:
    """The real content, with a detector that finds this one signal."""
    hit = CrisisHit(category=category, language=language, level=level, rule=rule, about=about)
    return replace(content, detector=FixedDetector(hit))


def level_of(detector: Detector, text: str) -> str | None:
    """The level a detector gives a text ("acute" or "worry"), None when it stays quiet: what
    the crisis tests of single messages assert."""
    hit = detector.detect(text)
    return hit.level if hit else None
