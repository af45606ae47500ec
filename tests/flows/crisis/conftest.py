"""The real content/crisis.yaml, loaded once for the crisis tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.content import Detector, load_content
from flows.crisis import CrisisDetector, CrisisLexicon

ROOT = Path(__file__).resolve().parents[3]
CRISIS_YAML = ROOT / "content" / "crisis.yaml"
CORPUS = Path(__file__).resolve().parent / "corpus"


@pytest.fixture(scope="session")
def lexicon() -> CrisisLexicon:
    with CRISIS_YAML.open(encoding="utf-8") as handle:
        return CrisisLexicon.model_validate(yaml.safe_load(handle))


@pytest.fixture(scope="session")
def detector() -> Detector:
    """The detector the service uses: the rules and the model beside them."""
    return load_content(ROOT / "content").detector


@pytest.fixture(scope="session")
def rules(lexicon: CrisisLexicon) -> CrisisDetector:
    """The rules alone, without the model."""
    return CrisisDetector(lexicon)
