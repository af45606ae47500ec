"""What every end-to-end test shares: the real `klik run`, started by the test against the Bot
API stand-in its module sets up (each module's own `api` fixture, with its own people)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_intake_e2e import Klik
from tests.support.botapi import FakeBotApi


@pytest.fixture
def klik(api: FakeBotApi, database_url: str, tmp_path: Path) -> Iterator[Klik]:
    service = Klik(api, database_url, tmp_path)
    yield service
    if service.process is not None and service.process.poll() is None:
        service.stop()
