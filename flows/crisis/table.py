"""The crisis model's features and their weights, held in three flat arrays.

The weights file names some 150,000 features ("c:dood ", "w:wil dood", "s:ik meer"). Held
as a dict of names, with their rows in an array of doubles, they took about 29 MB in every
worker process. Here a feature is known by the 64-bit hash of its name, in an open-addressing
table of two arrays (hash, row), and its row (idf, then one weight per output) is one stretch
of an array of 4-byte floats: about 8 MB. The file writes four significant digits, which a
4-byte float holds to one part in ten million; every verdict on the corpora's 38,975 messages
is the same as with doubles.

A name the file does not hold is found only if its 64-bit hash equals that of one it does:
about one chance in 10^14 per word piece, far below anything the corpus can measure. Two names
of the file with the same hash are refused when the table is built.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

_EMPTY = 0  # a free slot; a name whose hash is 0 is stored as 1 (see _key)


def _key(name: str) -> int:
    # str hashes are salted per process, so the table is built in the process that reads it.
    return hash(name) or 1


class FeatureTable:
    """Feature name -> offset of its row in `values`; each row is `width` floats."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.values = array("f")
        self._names = array("q")  # the rows' name hashes, in row order, until `seal`
        self._keys = array("q", [_EMPTY])
        self._rows = array("i", [0])
        self._mask = 0

    def __len__(self) -> int:
        return len(self.values) // self.width

    def add(self, name: str, row: Iterable[float]) -> None:
        """Append a feature's row; `seal` makes it findable."""
        before = len(self.values)
        self.values.extend(row)
        if len(self.values) - before != self.width:
            del self.values[before:]
            raise ValueError(f"a row needs {self.width} values")
        self._names.append(_key(name))

    def seal(self) -> None:
        """Build the lookup table, at most 60 % full: a name it holds is found in 1.7 probes
        on average, one it lacks in 3.2 (most word pieces are found once per word and kept)."""
        size = 1
        while size * 3 < len(self._names) * 5:
            size *= 2
        keys, rows, mask = array("q", [_EMPTY]) * size, array("i", [0]) * size, size - 1
        for number, key in enumerate(self._names):
            slot = key & mask
            while keys[slot] != _EMPTY:
                if keys[slot] == key:
                    raise ValueError("a feature twice, or two with the same hash")
                slot = (slot + 1) & mask
            keys[slot], rows[slot] = key, number * self.width
        self._keys, self._rows, self._mask = keys, rows, mask
        self._names = array("q")

    def row(self, name: str) -> int:
        """The offset of the feature's row in `values`, or -1 when the file does not hold it."""
        key = _key(name)
        keys, mask = self._keys, self._mask
        slot = key & mask
        while True:
            found = keys[slot]
            if found == key:
                return self._rows[slot]
            if found == _EMPTY:
                return -1
            slot = (slot + 1) & mask
