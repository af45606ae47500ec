"""The data key the benchmarks seal with: fixed, since their databases are thrown away. The
sealing is part of what they measure (one AES-GCM per text, one HMAC per address)."""

from __future__ import annotations

from storage.sealing import KeyRing, install

BENCH_KEY = b"klik-bench-key-never-for-real-data-0123456789"


def install_bench_key() -> None:
    """Seal every bench database with the bench key."""
    install(KeyRing(BENCH_KEY))
