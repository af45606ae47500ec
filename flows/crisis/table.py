"""The crisis model's features and their weights, held in three flat arrays.

The weights file names some 150,000 features ("c:dood ", "w:wil dood", "s:ik meer"). Held
as a dict of names, with their rows in an array of doubles, they took about 29 MB in every
worker process. Here a feature is known by the 64-bit hash of its name, in an open-addressing
table of two arrays (hash, row), and its row (idf, then one weight per output) is one stretch
of an array of 2-byte integers: about 5.5 MB. Each column has its own scale (its largest
value is 32,767), so a weight is kept to within 1/65,534 of its column's largest; the largest
crisis weight is about 7, so that is 0.0001, as fine as the file's four digits of an average
weight (about 0.27). Every verdict on the corpora's 39,535 messages is the same as with
doubles, and no crisis probability moves by more than 0.0001.

A name the file does not hold is found only if its 64-bit hash equals that of one it does:
about one chance in 10^14 per word piece, far below anything the corpus can measure. Two names
of the file with the same hash are refused when the table is built.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

_EMPTY = 0  # a free slot; a name whose hash is 0 is stored as 1 (see _key)
_TOP = 32_767  # the largest 2-byte integer: a column's largest value is scaled to it


def _key(name: str) -> int:
    # str hashes are salted per process, so the table is built in the process that reads it.
    return hash(name) or 1


class FeatureTable:
    """Feature name -> offset of its row in `values`; each row is `width` values, and a value
    times its column's scale (`scales`) is the number the file gives."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.values = array("h")
        self.scales = (1.0,) * width
        self._written = array("f")  # the rows as the file gives them, until `seal`
        self._names = array("q")  # the rows' name hashes, in row order, until `seal`
        self._keys = array("q", [_EMPTY])
        self._rows = array("i", [0])
        self._mask = 0

    def __len__(self) -> int:
        return (len(self.values) or len(self._written)) // self.width

    def add(self, name: str, row: Iterable[float]) -> None:
        """Append a feature's row; `seal` makes it findable."""
        before = len(self._written)
        self._written.extend(row)
        if len(self._written) - before != self.width:
            del self._written[before:]
            raise ValueError(f"a row needs {self.width} values")
        self._names.append(_key(name))

    def seal(self) -> None:
        """Scale the rows to 2-byte integers, and build the lookup table, at most two thirds
        full: a name it holds is found in about 2 probes on average, one it lacks in 5 (most
        word pieces are found once per word and kept). At 60 % the 170,000 features of the
        long-message retrain needed a table twice as large, 3 MB more in every worker."""
        self._scale()
        size = 1
        while size * 2 < len(self._names) * 3:
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

    def _scale(self) -> None:
        written, width = self._written, self.width
        largest = [max(map(abs, written[column::width]), default=0.0) for column in range(width)]
        scales = tuple(top / _TOP if top else 1.0 for top in largest)
        values = array("h", bytes(2 * len(written)))
        for column, scale in enumerate(scales):
            values[column::width] = array("h", [round(v / scale) for v in written[column::width]])
        self.values, self.scales, self._written = values, scales, array("f")

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
