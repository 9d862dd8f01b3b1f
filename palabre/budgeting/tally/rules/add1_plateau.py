"""Skip the Add1 budget steps that cannot change the outcome of MES.

Add1 completion reruns MES with one more currency unit per voter each step, often hundreds of times while
the outcome changes a handful of times (Assen 2024: 845 steps, 7 outcomes). Given the winners W_1..W_m of
a run at per-voter budget b, `plateau_length` finds how many steps b, b + 1, ... certainly give the same
winners, by replaying the run with the winners forced and every quantity an affine function of the extra
budget t (each voter group's money beta + gamma * t, each winner's payment share, each rho): a kinetic
replay. Each pass, at an integer t, checks every decision of the run at b + t (as the float engine does,
giving up on any near-tie) and finds the horizon T up to which every decision provably stays the same:
- a winner's payment keeps its formula until a poor supporter's money catches up with the share (money
  only grows with t; a rich supporter stays rich);
- another project's rho stays above the winner's until (a lower bound of) its rho meets the winner's line:
  its share is convex in t while the budgets are affine (the smallest alpha with
  sum_i w_i min(b_i(t), alpha) >= cost is the lower edge of a convex set), so it stays above its tangent;
  and budgets only decrease from round to round, so a lower bound from an earlier round still holds;
- a project out of reach (its supporters' money below its cost) stays out of reach until that money
  reaches the cost.
The integers below T need no run; the next pass starts at the first integer not certified and replays only
the rounds from the first one whose horizon it reached (the rounds before keep their affine formulas).
The passes stop when a pass meets a near-tie or a different decision (the outcome may change there: the
caller runs MES at that step), so a plateau costs one pass per formula change instead of one run per step.

Floats are used with the engines' TOLERANCE: whenever a quantity is too close to a boundary to be sure
(money equal to a share or to a cost, near-tied rho), the pass gives up, which is always correct; horizons
are rounded towards the present.
"""

from __future__ import annotations

from math import ceil, inf

import numpy as np

from .mes_engines import TOLERANCE, capped_share

NEVER = 1 << 40
"""Plateau length returned when no decision can ever change."""
LIST_REPLAY_MAX_SUPPORTERS = 50
"""Up to this many supporter groups per project on average, the replay keeps the money in lists."""
UPPER = 1 + TOLERANCE


class _Unsure(Exception):
    pass


def plateau_length(data, per_voter: float, cardinality: bool, winners: list[int]) -> tuple[int, int]:
    """(m, passes): MES at per_voter + k gives `winners` for every 0 <= k < m (m >= 1; `winners` is the
    outcome at per_voter, established by a run), found in that many passes of the replay."""
    replay = _Replay(data, per_voter, cardinality, winners)
    t, first, passes = 0, 0, 0
    while True:
        passes += 1
        try:
            horizon = replay.certify(t, first)
        except _Unsure:
            return max(t, 1), passes
        if horizon >= NEVER:
            return NEVER, passes
        t = max(t + 1, ceil(horizon))
        first = next(round_ for round_, ends in enumerate(replay.horizons) if ends <= t)


def _later(t: float, gap: float, rate: float, scale: float) -> float:
    """When a gap (> 0) closing at `rate` closes, rounded towards t; inf if it does not close."""
    rate += TOLERANCE * scale
    if rate <= 0:
        return inf
    return t + gap * (1 - 1e-6) / rate


class _Replay:
    """The forced replay of one run: per round, the voter groups' money as lines (beta, gamma) at its
    start and the round's horizon; per project, the last bound on its rho (or when it becomes affordable)."""

    def __init__(self, data, per_voter: float, cardinality: bool, winners: list[int]) -> None:
        self.data, self.cardinality, self.winners = data, cardinality, winners
        supporters = sum(map(len, data.supporter_lists))
        small = supporters <= LIST_REPLAY_MAX_SUPPORTERS * len(data.supporter_lists)
        self.lines = (_ListLines if small else _ArrayLines)(data)
        self.states = [self.lines.start(per_voter)] + [None] * len(winners)
        self.horizons = [inf] * (len(winners) + 1)
        self.computed_in = [0] * (len(winners) + 1)
        self.bounds: dict[int, tuple] = {}
        self.pass_number = self.first = 0
        chosen = set(winners)
        self.losers = [project for project in range(len(data.costs)) if project not in chosen]

    def certify(self, t: int, first: int) -> float:
        """Check the run at per_voter + t from round `first` on; the horizon of every decision."""
        self.pass_number += 1
        self.first = first
        running = min(self.horizons[:first], default=inf)
        for round_ in range(first, len(self.winners) + 1):
            if round_ < len(self.winners):
                horizon = self._round(round_, t, running)
            else:
                horizon = self._last(t, running)
            self.horizons[round_] = horizon
            self.computed_in[round_] = self.pass_number
            running = min(running, horizon)
        return running

    def _round(self, round_: int, t: int, running: float) -> float:
        data, winner, state = self.data, self.winners[round_], self.states[round_]
        found = self.lines.project(state, winner, t, winner=True)
        if not found[0]:
            raise _Unsure
        _, alpha, slope, horizon, equal_split = found
        scale = 1.0 if self.cardinality else 1.0 / data.cost_floats[winner]
        rho, rho_slope = alpha * scale, slope * scale
        running = min(running, horizon)
        # A rival whose smallest possible rho (equal split) is above the winner's never meets it: the
        # winner's rho only decreases with t.
        lowest = data.initial_bounds_cardinality if self.cardinality else data.initial_bounds_cost
        for rival in (*self.losers, *self.winners[round_ + 1 :]):
            if lowest[rival] > rho * UPPER or (equal_split and self._never_beats(winner, rival)):
                continue
            bound = self._separation(round_, rival, t, rho, rho_slope, running)
            horizon = min(horizon, bound)
            running = min(running, bound)
        self.states[round_ + 1] = self.lines.pay(state, winner, t, alpha, slope)
        return horizon

    def _never_beats(self, winner: int, rival: int) -> bool:
        """Exactly: the rival's smallest rho (all its supporters paying an equal share) is above the
        equal-split winner's, or equal with the winner first in the tie-breaking order."""
        votes, units = self.data.votes, self.data.cost_units
        if self.cardinality:
            rival_rho, winner_rho = units[rival] * votes[winner], units[winner] * votes[rival]
        else:
            rival_rho, winner_rho = votes[winner], votes[rival]
        return rival_rho > winner_rho or (rival_rho == winner_rho and winner < rival)

    def _separation(self, round_: int, rival: int, t: int, rho: float, rho_slope: float, running: float):
        """Until when the rival's rho stays above the winner's line (rho + rho_slope * (x - t))."""
        known = self._bound(rival)
        if known is not None:
            bound = self._bound_time(known, t, rho, rho_slope)
            if bound >= running:
                return bound
        found = self.lines.project(self.states[round_], rival, t)
        if found[0]:
            _, alpha, slope, _, _ = found
            scale = 1.0 if self.cardinality else 1.0 / self.data.cost_floats[rival]
            known = (round_, self.pass_number, t, alpha * scale, slope * scale)
        else:
            _, money, money_slope = found
            cost = self.data.cost_floats[rival]
            known = (round_, self.pass_number, _later(t, cost - money, money_slope, 0.0))
        self.bounds[rival] = known
        bound = self._bound_time(known, t, rho, rho_slope)
        if bound <= t:
            raise _Unsure
        return bound

    def _bound(self, project: int) -> tuple | None:
        """The project's last bound, if still valid: computed in this pass, or in a round this pass kept."""
        known = self.bounds.get(project)
        if known is None or known[1] != self.computed_in[known[0]]:
            return None
        if known[0] < self.first or known[1] == self.pass_number:
            return known
        return None

    @staticmethod
    def _bound_time(known: tuple, t: int, rho: float, rho_slope: float) -> float:
        if len(known) == 3:
            return known[2]
        _, _, start, line, line_slope = known
        gap = line + line_slope * (t - start) - rho
        if gap <= TOLERANCE * rho:
            return -inf
        return _later(t, gap, rho_slope - line_slope, abs(rho_slope) + abs(line_slope))

    def _last(self, t: int, running: float) -> float:
        """After the last winner, no other project may be affordable: until when none is."""
        horizon, last = inf, len(self.winners)
        for project in self.losers:
            known = self._bound(project)
            if known is not None and len(known) == 3 and known[2] >= running:
                horizon = min(horizon, known[2])
                continue
            found = self.lines.project(self.states[last], project, t, money_only=True)
            if found[0]:
                raise _Unsure
            _, money, money_slope = found
            bound = _later(t, self.data.cost_floats[project] - money, money_slope, 0.0)
            self.bounds[project] = (last, self.pass_number, bound)
            horizon = min(horizon, bound)
            running = min(running, bound)
        return horizon


class _ListLines:
    """Voter groups' money lines as Python lists: on small elections, cheaper than numpy's per-call cost.

    `project` answers (False, money, money slope) for a project out of reach, else (True, alpha, alpha
    slope, horizon, equal split): its payment share as a line (for a winner exactly, with the horizon of
    its formula; for a rival its tangent, counting supporters at the share as poor, which only lowers the
    slope), and whether every supporter pays the same cost / votes."""

    def __init__(self, data) -> None:
        self.data = data

    def start(self, per_voter: float) -> tuple[list[float], list[float]]:
        return [per_voter] * self.data.group_count, [1.0] * self.data.group_count

    def project(self, state, project: int, t: int, *, winner: bool = False, money_only: bool = False):
        beta, gamma = state
        data = self.data
        entries = [
            (beta[group] + gamma[group] * t, gamma[group], weight)
            for group, weight in zip(data.supporter_lists[project], data.weight_lists[project], strict=True)
        ]
        money = sum(value * weight for value, _, weight in entries)
        cost, votes = data.cost_floats[project], data.vote_floats[project]
        if abs(money - cost) <= cost * TOLERANCE or (winner and money < cost):
            raise _Unsure
        if money < cost:
            return False, money, sum(slope * weight for _, slope, weight in entries)
        if money_only:
            return True, 0.0, 0.0, inf, False
        alpha = cost / votes
        if min(entries)[0] > alpha * UPPER:
            return True, alpha, 0.0, inf, True
        entries.sort()
        paid, left, count = 0.0, votes, 0
        for value, _, weight in entries:
            alpha = (cost - paid) / left
            if alpha <= value:
                break
            paid += value * weight
            left -= weight
            count += 1
        if winner:
            if entries[count][0] <= alpha * UPPER or (count and entries[count - 1][0] * UPPER >= alpha):
                raise _Unsure
        else:
            while count < len(entries) and entries[count][0] < alpha * UPPER:
                left -= entries[count][2]
                count += 1
        if left <= 0:
            raise _Unsure
        poor = entries[:count]
        slope = -sum(gamma * weight for _, gamma, weight in poor) / left
        horizon = inf
        if winner:
            for value, gamma, _ in poor:
                horizon = min(horizon, _later(t, alpha - value, gamma - slope, abs(gamma) + abs(slope)))
        return True, alpha, slope, horizon, False

    def pay(self, state, project: int, t: int, alpha: float, slope: float):
        """The lines after the project's supporters pay the share alpha + slope * (x - t)."""
        beta, gamma = list(state[0]), list(state[1])
        offset = alpha - slope * t
        for group in self.data.supporter_lists[project]:
            if beta[group] + gamma[group] * t < alpha:
                beta[group], gamma[group] = 0.0, 0.0
            else:
                beta[group] -= offset
                gamma[group] -= slope
        return beta, gamma


class _ArrayLines:
    """The same over numpy arrays, for large elections."""

    def __init__(self, data) -> None:
        self.data = data

    def start(self, per_voter: float) -> tuple[np.ndarray, np.ndarray]:
        count = self.data.group_count
        return np.full(count, per_voter, dtype=np.float64), np.ones(count, dtype=np.float64)

    def project(self, state, project: int, t: int, *, winner: bool = False, money_only: bool = False):
        data = self.data
        groups, weights = data.supporters[project], data.weights[project]
        slopes = state[1][groups]
        values = state[0][groups] + slopes * t
        money = float(values @ weights)
        cost, votes = data.cost_floats[project], data.vote_floats[project]
        if abs(money - cost) <= cost * TOLERANCE or (winner and money < cost):
            raise _Unsure
        if money < cost:
            return False, money, float(slopes @ weights)
        if money_only:
            return True, 0.0, 0.0, inf, False
        alpha = cost / votes
        if float(values.min()) > alpha * UPPER:
            return True, alpha, 0.0, inf, True
        alpha = capped_share(values, weights, cost, votes)
        gaps = alpha - values
        if winner and np.any(np.abs(gaps) <= TOLERANCE * alpha):
            raise _Unsure
        poor = gaps > 0 if winner else values < alpha * UPPER
        left = votes - float(weights[poor].sum())
        if left <= 0:
            raise _Unsure
        poor_slopes = slopes[poor]
        slope = -float(poor_slopes @ weights[poor]) / left
        horizon = inf
        if winner and poor_slopes.size:
            rates = poor_slopes - slope + TOLERANCE * (np.abs(poor_slopes) + abs(slope))
            closing = rates > 0
            if closing.any():
                horizon = t + float(np.min(gaps[poor][closing] / rates[closing])) * (1 - 1e-6)
        return True, alpha, slope, horizon, False

    def pay(self, state, project: int, t: int, alpha: float, slope: float):
        groups = self.data.supporters[project]
        beta, gamma = state[0].copy(), state[1].copy()
        poor = beta[groups] + gamma[groups] * t < alpha
        beta[groups] = np.where(poor, 0.0, beta[groups] - (alpha - slope * t))
        gamma[groups] = np.where(poor, 0.0, gamma[groups] - slope)
        return beta, gamma
