"""Polishing a closed tour without side constraints: 2-opt and Or-opt with local kicks.

OR-Tools' guided local search reaches a good tour fast but on some instances
stays a few percent above the optimum within a couple of seconds. When a route
has no time windows or capacities (a plain round trip), this iterated local
search takes its tour and keeps improving it: perturb a small stretch
(a double bridge within ~30 consecutive stops), repair with 2-opt and Or-opt
restricted to nearby stops, keep the result if it is no longer.
"""

from __future__ import annotations

import random
import time

NEAREST = 10  # candidate neighbours per stop
KICK_SPAN = 30  # stops touched by one perturbation


def polish_tour(
    tour: list[int], cost: list[list[int]], seconds: float, seed: int = 0
) -> list[int]:
    """A tour no longer than ``tour`` (a cyclic order over all nodes of ``cost``)."""
    n = len(tour)
    if n < 8:
        return tour
    deadline = time.monotonic() + seconds
    near = [sorted((j for j in range(n) if j != i), key=lambda j: cost[i][j])[:NEAREST]
            for i in range(n)]
    search = _LocalSearch(cost, near)
    best = search.improve(list(tour), list(tour))
    best_len = _length(best, cost)
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        trial, touched = _double_bridge(best, rng)
        trial = search.improve(trial, touched)
        trial_len = _length(trial, cost)
        if trial_len <= best_len:
            best, best_len = trial, trial_len
    return best


def _length(tour: list[int], cost: list[list[int]]) -> int:
    return sum(cost[a][b] for a, b in zip(tour, tour[1:] + tour[:1]))


def _double_bridge(tour: list[int], rng: random.Random) -> tuple[list[int], list[int]]:
    n = len(tour)
    span = min(KICK_SPAN, n - 1)
    shift = rng.randrange(n)
    rotated = tour[shift:] + tour[:shift]
    a, b, c = sorted(rng.sample(range(1, span), 3))
    kicked = rotated[:a] + rotated[b:c] + rotated[a:b] + rotated[c:]
    touched = [rotated[i] for i in (a - 1, a, b - 1, b, c - 1, c % n)]
    return kicked, touched


class _LocalSearch:
    def __init__(self, cost: list[list[int]], near: list[list[int]]) -> None:
        self.cost, self.near = cost, near

    def improve(self, tour: list[int], dirty: list[int]) -> list[int]:
        """2-opt and Or-opt moves until none helps, starting from the ``dirty`` stops."""
        self.tour = tour
        self.pos = [0] * len(tour)
        for i, city in enumerate(tour):
            self.pos[city] = i
        queue, queued = list(dirty), set(dirty)
        while queue:
            city = queue.pop()
            queued.discard(city)
            moved = self._two_opt(city) or self._or_opt(city)
            for c in moved or ():
                if c not in queued:
                    queue.append(c)
                    queued.add(c)
        return self.tour

    def _succ(self, city: int) -> int:
        return self.tour[(self.pos[city] + 1) % len(self.tour)]

    def _pred(self, city: int) -> int:
        return self.tour[self.pos[city] - 1]

    def _reverse(self, first: int, last: int) -> None:
        """Reverse the stretch from city ``first`` forward to city ``last``."""
        t, pos, n = self.tour, self.pos, len(self.tour)
        i, j = pos[first], pos[last]
        length = (j - i) % n + 1
        if length * 2 > n:  # reversing the rest gives the same cycle, cheaper
            i, j = (j + 1) % n, (i - 1) % n
            length = n - length
        for k in range(length // 2):
            a, b = (i + k) % n, (j - k) % n
            t[a], t[b] = t[b], t[a]
            pos[t[a]], pos[t[b]] = a, b

    def _two_opt(self, a: int) -> list[int] | None:
        d = self.cost
        for forward in (True, False):
            b = self._succ(a) if forward else self._pred(a)
            ab = d[a][b]
            for c in self.near[a]:
                ac = d[a][c]
                if ac >= ab:
                    break
                e = self._succ(c) if forward else self._pred(c)
                if c == b or e == a:
                    continue
                if ac + d[b][e] < ab + d[c][e]:
                    if forward:
                        self._reverse(b, c)
                    else:
                        self._reverse(c, b)
                    return [a, b, c, e]
        return None

    def _or_opt(self, a: int) -> list[int] | None:
        """Move the stretch of 1-3 stops starting at ``a`` next to a near stop."""
        d, t, n = self.cost, self.tour, len(self.tour)
        for size in (1, 2, 3):
            i = self.pos[a]
            segment = [t[(i + k) % n] for k in range(size)]
            first, last = segment[0], segment[-1]
            p, q = self._pred(first), self._succ(last)
            if q == first or p == last:
                return None
            gain = d[p][first] + d[last][q] - d[p][q]
            inside = set(segment)
            for c in self.near[first] + self.near[last]:
                if c in inside:
                    continue
                e = self._succ(c)
                if e in inside:
                    continue
                added = d[c][e]
                straight = d[c][first] + d[last][e] - added
                flipped = d[c][last] + d[first][e] - added
                if min(straight, flipped) < gain:
                    piece = segment if straight <= flipped else segment[::-1]
                    self._move(inside, piece, c)
                    return [p, q, c, e, first, last]
        return None

    def _move(self, inside: set[int], piece: list[int], after: int) -> None:
        rest = [city for city in self.tour if city not in inside]
        at = rest.index(after) + 1
        self.tour = rest[:at] + piece + rest[at:]
        for i, city in enumerate(self.tour):
            self.pos[city] = i
