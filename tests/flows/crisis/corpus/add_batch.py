"""Add a newly written batch of labelled messages to the corpus, split once.

    .venv/bin/python tests/flows/crisis/corpus/add_batch.py BATCH.tsv [--tune-only]

Lines whose text is already in the corpus (case and spaces aside) or twice in the batch are
dropped; the rest is shuffled with a seed taken from the batch's contents and split per
language and label: two thirds to tune.tsv, one third to test.tsv. The split happens once,
before anything is tuned on the batch, and test.tsv is never tuned on. A batch whose Dutch and
English lines are translations of each other goes to tune.tsv whole (--tune-only): split, a
message would be tested on after its translation was learned.
"""

from __future__ import annotations

import hashlib
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
TEST_SHARE = 3  # one in three


def key(text: str) -> str:
    return " ".join(text.lower().split())


def main(batch: Path, *, tune_only: bool = False) -> None:
    known = {
        key(line.split("\t")[4])
        for name in ("tune.tsv", "test.tsv")
        for line in (HERE / name).read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    }
    lines = [line for line in batch.read_text(encoding="utf-8").splitlines() if line.strip()]
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for line in lines:
        parts = line.split("\t")
        if len(parts) != 5 or key(parts[4]) in known:
            continue
        known.add(key(parts[4]))
        groups[(parts[0], parts[1])].append(line)
    seed = int(hashlib.sha256("\n".join(lines).encode()).hexdigest()[:8], 16)
    shuffle = random.Random(seed)
    tune: list[str] = []
    test: list[str] = []
    for group in sorted(groups):
        members = groups[group]
        shuffle.shuffle(members)
        cut = 0 if tune_only else len(members) // TEST_SHARE
        test += members[:cut]
        tune += members[cut:]
    for name, new in (("tune.tsv", tune), ("test.tsv", test)):
        with (HERE / name).open("a", encoding="utf-8") as handle:
            handle.write(f"# {batch.name}: {len(new)} messages, split with seed {seed}\n")
            handle.write("".join(f"{line}\n" for line in new))
    print(f"{batch.name}: {len(lines)} lines, {len(tune)} to tune, {len(test)} to test")


if __name__ == "__main__":
    main(Path(sys.argv[1]), tune_only="--tune-only" in sys.argv[2:])
