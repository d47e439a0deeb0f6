"""The DTMF receiver's digit state machine, stepped per cluster of candidate frames.

`dtmf.DtmfDetector` hands over, per analysis block, the candidate frames (frames whose
tones pass every per-frame test) and the tone amplitudes of the block. The rules are the
detector's (see `dtmf`): a digit starts at a candidate frame, goes on over candidates of
the same digit, and ends at a candidate of another digit or at the 5th consecutive
non-candidate frame whose amplitude is below half the digit's peak so far.

Why clusters: candidates of one digit less than 5 frames apart cannot be separated by 5
such frames, so they always join the same digit; only the gaps of 5 or more frames, and
the frames after a digit's last candidate, need their amplitudes looked at one by one.
A digit then costs a few Python steps instead of one per frame, and the result is the
same as stepping frame by frame, however the stream is cut into blocks.
"""

from __future__ import annotations

import numpy as np

END_FRAMES = 5  # frames below half amplitude that end a digit (25 ms)
MIN_FRAMES = 6  # shortest digit: 6 frame centres (30 ms)
MIN_VALID = 5  # candidate frames: a 40 ms tone gives 6-7, a 20 ms tone 2-3
EDGE = 3  # at most this many sub-threshold frames at each edge count towards duration

# digit index (into dtmf.DIGITS "0123456789*#ABCD") -> its low-group and high-group bin
_LOW_ROW = np.array([3, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 0, 1, 2, 3])
_HIGH_ROW = np.array([5, 4, 5, 6, 4, 5, 6, 4, 5, 6, 4, 6, 7, 7, 7, 7])
_LOW_ROWS, _HIGH_ROWS = tuple(_LOW_ROW.tolist()), tuple(_HIGH_ROW.tolist())
_STEPS = np.arange(EDGE)


class Run:
    """A digit being heard (frame indices count from the start of the stream)."""

    __slots__ = ("digit", "first", "hi", "last", "lo", "next", "off", "post", "pre", "ref", "valid")

    def __init__(
        self, digit: int, first: int, last: int, valid: int, ref: float, pre: list, post: list
    ) -> None:
        self.digit, self.first, self.last, self.valid, self.ref = digit, first, last, valid, ref
        self.lo, self.hi = _LOW_ROWS[digit], _HIGH_ROWS[digit]
        self.pre = pre  # amplitudes of the (up to EDGE) frames before `first`
        self.post = post  # amplitudes of the (up to EDGE) frames after `last`
        self.off = 0  # consecutive frames below half the peak, up to `next`
        self.next = last + 1  # first frame not yet looked at for the end rule


def _lone(
    first: np.ndarray,
    last: np.ndarray,
    dig: np.ndarray,
    count: np.ndarray,
    peak: np.ndarray,
    pre: np.ndarray,
    post: np.ndarray,
    k0: int,
) -> tuple[np.ndarray, dict[int, tuple[int, int, int]]]:
    """Clusters between clusters of other digits (the usual case): each is a digit of its
    own, started there and ended by the next cluster, so all are decided at once. Returns
    which clusters are such, and the digits of those that qualify, by cluster."""
    ncl = first.size
    lone = np.zeros(ncl, bool)
    if ncl < 4:  # stepping these few costs less than the arithmetic below
        return lone, {}
    lone[:-1] = dig[1:] != dig[:-1]
    lone[1:-1] &= dig[1:-1] != dig[:-2]
    half = (0.5 * peak)[:, None]
    # leading frames: contiguous from `first` backwards, in the stream (frame >= 0)
    up = (pre >= half) & (k0 + first[:, None] + (_STEPS - EDGE) >= 0)
    lead = np.cumprod(up[:, ::-1], axis=1).sum(axis=1)
    # trailing frames: contiguous after `last`, before the next cluster
    cap = np.empty(ncl, np.intp)
    cap[-1] = EDGE
    np.minimum(first[1:] - last[:-1] - 1, EDGE, out=cap[:-1])
    down = (post >= half) & (cap[:, None] > _STEPS)
    trail = np.cumprod(down, axis=1).sum(axis=1)
    span = last - first + 1
    ok = (span + lead + trail >= MIN_FRAMES) & (count >= MIN_VALID) & (2 * count >= span)
    sel = np.flatnonzero(lone & ok)
    cols = (dig[sel], (first - lead)[sel] + k0, (last + trail)[sel] + k0)
    spans = zip(*(c.tolist() for c in cols), strict=True)
    return lone, dict(zip(sel.tolist(), spans, strict=True))


_FEW = 24  # up to this many candidates, clusters are found in plain Python


def _clusters_few(
    cpos: np.ndarray, cdig: np.ndarray, cs: np.ndarray, amps: np.ndarray
) -> tuple[list, list, list, list, list, list, list]:
    """The clusters of a few candidates (a streamed block), as lists: first and last
    frame, digit, candidate count, peak, and the amplitudes before and after. The sums
    are numpy's float32 sums, the same numbers as for many candidates."""
    p, d, v = cpos.tolist(), cdig.tolist(), cs.tolist()
    st = [0] + [i for i in range(1, len(p)) if d[i] != d[i - 1] or p[i] - p[i - 1] > END_FRAMES]
    en = [*st[1:], len(p)]
    first, last, dig = [p[a] for a in st], [p[b - 1] for b in en], [d[a] for a in st]
    count = [b - a for a, b in zip(st, en, strict=True)]
    peak = [max(v[a:b]) for a, b in zip(st, en, strict=True)]
    sums = (amps[_LOW_ROW] + amps[_HIGH_ROW]).tolist()  # per digit, per amps column
    end = amps.shape[1] - 1
    pre = [sums[g][f : f + EDGE] for g, f in zip(dig, first, strict=True)]
    post = [
        [sums[g][min(la + EDGE + 1 + i, end)] for i in range(EDGE)]
        for g, la in zip(dig, last, strict=True)
    ]
    return first, last, dig, count, peak, pre, post


class RunTracker:
    """Digit state across blocks; `block()` and `finish()` return accepted digits as
    (digit index, first frame, last frame) of the tone's span."""

    def __init__(self) -> None:
        self.run: Run | None = None

    def block(
        self, cpos: np.ndarray, cdig: np.ndarray, cs: np.ndarray, amps: np.ndarray, k0: int
    ) -> list[tuple[int, int, int]]:
        """One block of `m` frames starting at frame `k0`: candidate positions `cpos`
        (block-local, ascending), their digits and amplitude sums `cs`, and `amps`, the
        (8, EDGE + m) tone amplitudes with the EDGE frames before the block in front."""
        out: list[tuple[int, int, int]] = []
        m = amps.shape[1] - EDGE
        run = self.run
        if cpos.size:
            if cpos.size <= _FEW:
                first, last, dig, count, peak, pre, post = _clusters_few(cpos, cdig, cs, amps)
                lone = np.zeros(len(first), bool)
                found: dict[int, tuple[int, int, int]] = {}
            else:
                brk = np.ones(cpos.size, bool)
                np.not_equal(cdig[1:], cdig[:-1], out=brk[1:])
                brk[1:] |= np.diff(cpos) > END_FRAMES
                st = np.flatnonzero(brk)
                en = np.append(st[1:], cpos.size) - 1
                fa, la_, da = cpos[st], cpos[en], cdig[st]
                lo, hi = _LOW_ROW[da][:, None], _HIGH_ROW[da][:, None]
                fi = fa[:, None] + _STEPS  # amps columns of the EDGE frames before `first`
                pa = amps[lo, fi] + amps[hi, fi]
                fo = np.minimum(la_[:, None] + (EDGE + 1 + _STEPS), EDGE + m - 1)
                qa = amps[lo, fo] + amps[hi, fo]
                pk, ca = np.maximum.reduceat(cs, st), en - st + 1
                lone, found = _lone(fa, la_, da, ca, pk, pa, qa, k0)
                first, last, dig = fa.tolist(), la_.tolist(), da.tolist()
                count, peak, pre, post = ca.tolist(), pk.tolist(), pa.tolist(), qa.tolist()
            ncl = len(first)
            # only clusters that are not lone are stepped (and the first, to meet a digit
            # carried over from the block before); a lone one ends the digit before it
            step = np.flatnonzero(~lone)
            if run is not None and (step.size == 0 or step[0] != 0):
                step = np.concatenate([[0], step])
            stepped = step.tolist()
            skip = set(stepped)
            keyed = [(j + 1, span) for j, span in found.items() if j not in skip]
            at = -1  # the cluster the running digit last took in
            for j in stepped:
                f, la, d = first[j], last[j], dig[j]
                if run is not None and 0 <= at < j - 1:
                    keyed += self._close(run, k0 + first[at + 1] - 1 - run.last, at + 1)
                    run = None
                if run is not None:
                    if run.digit == d:
                        nxt = run.next - k0
                        if run.off + f - nxt >= END_FRAMES and self._scan(run, amps, k0, nxt, f):
                            keyed += self._close(run, None, j)
                            run = None
                        else:
                            run.valid += count[j]
                            run.ref = max(run.ref, peak[j])
                            run.last, run.next, run.off = k0 + la, k0 + la + 1, 0
                            run.post = post[j][: max(0, min(EDGE, m - 1 - la))]
                            at = j
                            continue
                    else:
                        if run.last < k0 and len(run.post) < EDGE:
                            self._scan(run, amps, k0, run.next - k0, f)
                        keyed += self._close(run, k0 + f - 1 - run.last, j)
                        run = None
                if lone[j]:
                    if j in found:
                        keyed.append((j + 1, found[j]))
                    continue
                g = k0 + f
                run = Run(
                    d,
                    g,
                    k0 + la,
                    count[j],
                    peak[j],
                    pre[j][max(0, EDGE - g) :],
                    post[j][: max(0, min(EDGE, m - 1 - la))],
                )
                at = j
            if run is not None and at < ncl - 1:
                keyed += self._close(run, k0 + first[at + 1] - 1 - run.last, at + 1)
                run = None
            keyed.sort()  # by key: keys are distinct
            out = [span for _, span in keyed]
        if run is not None and run.next - k0 < m and self._scan(run, amps, k0, run.next - k0, m):
            self._emit(run, None, out)
            run = None
        self.run = run
        return out

    def finish(self) -> list[tuple[int, int, int]]:
        """End of stream: the digit still sounding, if it qualifies."""
        out: list[tuple[int, int, int]] = []
        if self.run is not None:
            self._emit(self.run, None, out)
        self.run = None
        return out

    def _close(self, run: Run, cap: int | None, key: int) -> list[tuple[int, tuple[int, int, int]]]:
        spans: list[tuple[int, int, int]] = []
        self._emit(run, cap, spans)
        return [(key, span) for span in spans]

    @staticmethod
    def _scan(run: Run, amps: np.ndarray, k0: int, a: int, b: int) -> bool:
        """Step the end rule over block frames a..b-1; True if the digit ended there."""
        vals = (amps[run.lo, EDGE + a : EDGE + b] + amps[run.hi, EDGE + a : EDGE + b]).tolist()
        half, off, post = 0.5 * run.ref, run.off, run.post
        at = k0 + a - run.last - 1  # position after `last` of vals[0]
        for j, v in enumerate(vals):
            if at + j == len(post) < EDGE:
                post.append(v)
            if v >= half:
                off = 0
            else:
                off += 1
                if off >= END_FRAMES:
                    return True
        run.off, run.next = off, k0 + b
        return False

    @staticmethod
    def _emit(run: Run, cap: int | None, out: list[tuple[int, int, int]]) -> None:
        """Close a digit: its span extends over up to EDGE frames either side that are
        at least half its peak; keep it if long enough and mostly candidates."""
        half = 0.5 * run.ref
        lead = 0
        for v in reversed(run.pre):
            if v < half:
                break
            lead += 1
        trail = 0
        for v in run.post if cap is None else run.post[:cap]:
            if v < half:
                break
            trail += 1
        span = run.last - run.first + 1
        if span + lead + trail < MIN_FRAMES or run.valid < MIN_VALID or 2 * run.valid < span:
            return
        out.append((run.digit, run.first - lead, run.last + trail))
