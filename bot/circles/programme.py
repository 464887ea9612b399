"""A mixed-integer programme for scipy's HiGHS (`scipy.optimize.milp`), built a row at a time and solved
whole or with its integer counts fixed. Pure: no Telegram, no SQL."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

FILL_LIMIT = 5.0  # seconds for one solve with the counts fixed (a flow: it solves at its root, well under a second)


class Rows:
    """A sparse constraint matrix, a row at a time."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.low: list[float] = []
        self.high: list[float] = []

    def add(self, entries: list[tuple[int, float]], low: float, high: float) -> None:
        for col, val in entries:
            self.rows.append(len(self.low))
            self.cols.append(col)
            self.vals.append(val)
        self.low.append(low)
        self.high.append(high)

    def constraint(self, width: int) -> LinearConstraint:
        matrix = coo_array((self.vals, (self.rows, self.cols)), shape=(len(self.low), width)).tocsr()
        return LinearConstraint(matrix, self.low, self.high)


@dataclass(frozen=True, slots=True)
class Found:
    chosen: np.ndarray
    value: float  # the objective (minimised)
    status: int  # 0: proven optimal


class Model:
    """The programme, solved whole or with the circle counts fixed (then the girls' side is a network
    flow: its relaxation's vertices are whole, so it solves at the root)."""

    def __init__(self, cost: np.ndarray, constraints: LinearConstraint, high: np.ndarray, counts: list[int]):
        self.cost, self.constraints, self.high, self.counts = cost, constraints, high, counts
        self.bound = -np.inf

    def solve(self, limit: float, gap: float) -> Found | None:
        whole = np.zeros(len(self.cost))
        whole[self.counts] = 1
        return self._milp(whole, np.zeros(len(self.cost)), self.high, limit, gap)

    def fill(self, counts: np.ndarray) -> Found | None:
        """The best girls for these circle counts."""
        low, high = np.zeros(len(self.cost)), self.high.copy()
        low[self.counts] = high[self.counts] = counts[self.counts]
        return self._milp(np.ones(len(self.cost)), low, high, FILL_LIMIT, 0)

    def around(self, counts: np.ndarray, free: list[int], limit: float) -> Found | None:
        """The best with only the counts in `free` left open, the others as in `counts` (whole girls after
        `fill`)."""
        low, high = np.zeros(len(self.cost)), self.high.copy()
        fixed = sorted(set(self.counts) - set(free))
        low[fixed] = high[fixed] = counts[fixed]
        whole = np.zeros(len(self.cost))
        whole[self.counts] = 1
        return self._milp(whole, low, high, limit, 0, bounding=False)

    def _milp(self, whole, low, high, limit: float, gap: float, bounding: bool = True) -> Found | None:
        found = milp(self.cost, constraints=self.constraints, integrality=whole, bounds=Bounds(low, high),
                     options={"time_limit": limit, "mip_rel_gap": gap})  # fmt: skip
        bound = getattr(found, "mip_dual_bound", None)
        if bounding and whole.sum() < len(whole) and bound is not None:
            self.bound = bound
        if found.x is None:
            return None
        return Found(np.round(found.x).astype(int), found.fun, found.status)
