"""Pseudonyms such as Sam-4821: what coaches call a youngster instead of a name."""

from __future__ import annotations

import random

# Short first names used in Flanders and the Netherlands for any gender, so a pseudonym says
# nothing about who the youngster is.
NAMES = (
    "Sam", "Robin", "Noa", "Jip", "Luca", "Alex", "Kim", "Sky", "Lou", "Nour",
    "Ari", "Jules", "Remi", "Sasha", "Quinn", "Billie", "Mika", "Jesse", "Charlie", "Eden",
    "Nika", "Yuna", "Milan", "Joa", "Kai", "Rio", "Lio", "Fenne", "Sem", "Ilay",
)  # fmt: skip


def make_pseudonym(rng: random.Random) -> str:
    """A random pseudonym, name and four digits; the caller retries when it is taken."""
    return f"{rng.choice(NAMES)}-{rng.randrange(1000, 10000)}"
