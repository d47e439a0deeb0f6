"""UCS-2 cuts found without listing every grapheme cluster equal the cluster-by-cluster cuts."""

from __future__ import annotations

import random
from bisect import bisect_right
from itertools import accumulate

import pytest

from telenb.sms import segments

regex = pytest.importorskip("regex")

POOL = [
    *"abcdefgh  éçąłж",
    *["\u0301", "\u0308", "\u200d", "\ufe0f", "\u20e3", "\u0903", "\u0600", "\r", "\n"],
    *["\U0001f600", "\U0001f44d", "\U0001f3fd", "\U0001f1fa", "\U0001f1f8", "\U0001f468"],
    *["\u1100", "\u1161", "\u11a8", "\uac00", "\u0915", "\u094d", "\u0937"],
]


def _by_clusters(body: str) -> list[tuple[int, int]]:
    """Greedy 67-unit cuts over every cluster: the definition."""
    atoms = regex.findall(r"\X", body)
    units = list(accumulate((len(a.encode("utf-16-le")) // 2 for a in atoms), initial=0))
    chars = list(accumulate(map(len, atoms), initial=0))
    if units[-1] <= 70:
        return [(0, len(body))]
    cuts, i = [], 0
    while i < len(atoms):
        j = bisect_right(units, units[i] + 67, i + 1) - 1
        cuts.append((chars[i], chars[j]))
        i = j
    return cuts


@pytest.mark.parametrize("seed", range(6))
def test_cuts_equal_cluster_by_cluster_cuts(seed):
    rng = random.Random(seed)
    checked = 0
    for _ in range(300):
        # mostly plain text with a few joining characters, as real bodies are
        weights = [1.0 if i < 16 else rng.choice([0.02, 0.1, 0.5]) for i in range(len(POOL))]
        body = "ж" + "".join(rng.choices(POOL, weights, k=rng.randint(60, 500)))
        seg = segments(body, max_length=None)
        if seg.broken_clusters or seg.encoding != "UCS-2":
            continue
        assert [(s.start, s.end) for s in seg.segments] == _by_clusters(body), body
        assert all(s.units <= s.capacity for s in seg.segments)
        checked += 1
    assert checked > 200
