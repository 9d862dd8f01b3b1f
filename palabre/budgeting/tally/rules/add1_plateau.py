"""Skip the Add1 budget steps that cannot change the outcome of MES.

Add1 completion reruns MES with one more currency unit per voter each step, often hundreds of times while
the outcome changes a handful of times (Assen 2024: 845 runs, 6 changes). Given a run at per-voter budget b
and its winners, `plateau_length` replays the run with every quantity an affine function of the extra
budget d (budget_i = beta_i + gamma_i * d): each voter's money, each project's payment share alpha(d) and
factor rho(d), as long as the set of supporters who pay all they have stays the same. Every decision of the
run stays the same while d < D, where D is the first d at which
- a supporter crosses the winner's share (the formula of its alpha and of the payments changes),
- the winner's rho meets (a lower bound of) another affordable project's rho,
- a project out of reach (its supporters' money below its cost) becomes affordable.
Then the runs at b + 1, ..., b + m - 1 (m = ceil(D), at least 1) give the same winners and need not run.

Floats are used with the engines' TOLERANCE: whenever a quantity is too close to a boundary to be sure
(a supporter's money equal to a share, a near-tie between different rho, money equal to a cost), the
answer is 1 (no skip), which is always correct.
"""

from __future__ import annotations

from math import ceil, inf

import numpy as np

from .mes_engines import TOLERANCE, capped_share


class _Unsure(Exception):
    pass


def plateau_length(data, per_voter: float, cardinality: bool, winners: list[int]) -> int:
    try:
        limit = _certified_limit(data, per_voter, cardinality, winners)
    except _Unsure:
        return 1
    if limit == inf:
        return 1 << 40
    return max(1, ceil(limit * (1 - 1e-6)))


def _certified_limit(data, per_voter: float, cardinality: bool, winners: list[int]) -> float:
    beta = np.full(data.group_count, per_voter, dtype=np.float64)
    gamma = np.ones(data.group_count, dtype=np.float64)
    alive = set(range(len(data.costs)))
    limit = inf
    for winner in [*winners, None]:
        lines = {}
        for project in alive:
            line, project_limit = _affine_rho(data, project, beta, gamma, cardinality, project == winner)
            limit = min(limit, project_limit)
            if line is not None:
                lines[project] = line
        if winner is None:
            if lines:
                raise _Unsure
            return limit
        if winner not in lines:
            raise _Unsure
        limit = min(limit, _winner_limit(winner, lines))
        _pay(data, winner, lines[winner], beta, gamma)
        alive.remove(winner)
    return limit


def _affine_rho(data, project, beta, gamma, cardinality, is_winner):
    """((rho0, rho1, alpha0, alpha1, poor mask, equal split), limit) or (None, limit) if out of reach.

    For the winner, the line is rho itself until `limit` (a supporter crossing the share). For the other
    projects it is a lower bound of rho for every d >= 0: alpha(d) is convex (the smallest alpha with
    sum_i w_i min(beta_i + gamma_i d, alpha) >= cost, the lower edge of a convex set), so it stays above
    its tangent at d = 0; counting the supporters at the share as poor only lowers the tangent's slope."""
    groups, weights, cost = data.supporters[project], data.weights[project], data.cost_floats[project]
    budgets, slopes = beta[groups], gamma[groups]
    money, money_slope = float(budgets @ weights), float(slopes @ weights)
    if abs(money - cost) <= cost * TOLERANCE:
        raise _Unsure
    if money < cost:
        return None, ((cost - money) / money_slope if money_slope > 0 else inf)
    alpha0 = cost / data.vote_floats[project]
    poor = budgets < alpha0 * (1 + TOLERANCE)
    equal_split = not poor.any()
    if not equal_split:
        alpha0 = capped_share(budgets, weights, cost, data.vote_floats[project])
        poor = budgets < alpha0 * (1 + TOLERANCE)
    rich_weight = float(weights[~poor].sum())
    if rich_weight <= 0:
        raise _Unsure
    alpha1 = -float(slopes[poor] @ weights[poor]) / rich_weight
    limit = inf
    if is_winner:
        gaps = budgets - alpha0
        if np.any(np.abs(gaps) <= TOLERANCE * alpha0):
            raise _Unsure
        closing = slopes - alpha1
        crossing = (poor & (closing > 0)) | (~poor & (closing < 0))
        if crossing.any():
            limit = float(np.min(-gaps[crossing] / closing[crossing]))
    scale = 1.0 if cardinality else 1.0 / cost
    return (alpha0 * scale, alpha1 * scale, alpha0, alpha1, poor, equal_split), limit


def _winner_limit(winner, lines) -> float:
    rho0, rho1, *_, winner_equal_split = lines[winner]
    limit = inf
    for project, (other0, other1, *_, equal_split) in lines.items():
        if project == winner:
            continue
        gap = other0 - rho0
        if gap <= TOLERANCE * rho0:
            if equal_split and winner_equal_split:
                continue
            raise _Unsure
        if other1 < rho1:
            limit = min(limit, gap / (rho1 - other1))
    return limit


def _pay(data, winner, line, beta, gamma) -> None:
    *_, alpha0, alpha1, poor, _ = line
    groups = data.supporters[winner]
    beta[groups] = np.where(poor, 0.0, beta[groups] - alpha0)
    gamma[groups] = np.where(poor, 0.0, gamma[groups] - alpha1)
