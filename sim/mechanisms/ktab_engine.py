"""One turn of KTAB's Spatial Model of Politics (SMP): utilities, challenges, bargains, choice of bargains.

Re-implemented from KTAB's C++ SMP (``examples/smp/libsrc/smp.cpp`` and ``smpbcn.cpp``, github.com/lsyaseen/KTAB,
commit 3b5b0635, MIT licence). Positions and saliences are on KTAB's internal [0, 1] scale; see
:mod:`sim.mechanisms.ktab_smp` for the equations and the mechanism that wraps this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.mechanisms import ktab_vote as kv
from sim.mechanisms.ktab_prng import prob_sel

MIN_CLTN = 1e-10  # KTAB's seed value of a challenge coalition (probEduChlg)
MIN_SIG_EDU = 1e-5  # smallest expected gain that makes a challenge worth making (bestChallenge)


@dataclass(frozen=True)
class SMPOptions:
    """KTAB's model parameters, under the names and with the values KTAB logs."""

    victory_prob_model: str = "Linear"
    pce_model: str = "Conditional"
    state_transitions: str = "Deterministic"
    voting_rule: str = "Prop"
    big_r_range: str = "Mid"
    big_r_adjust: str = "OneThird"
    third_party_commit: str = "SemiCommit"
    inter_vec_brgn: str = "S2P2"
    bargn_model: str = "InitOnlyInterp"
    pos_tol: float = 1e-3  # positions closer than this (Euclidean, [0, 1] scale) count as one option


@dataclass
class SMPActors:
    """Fixed actor attributes: capability c_i (> 0), salience vectors s_i (N, D), accommodation matrix A."""

    capability: np.ndarray
    salience: np.ndarray
    accommodate: np.ndarray

    @property
    def total_salience(self) -> np.ndarray:
        return self.salience.sum(axis=1)


Chooser = Callable[[np.ndarray], int]
"""Picks one bargain index from outcome probabilities (a stochastic state transition)."""


@dataclass
class SMPTurnState:
    """Positions and ideals (N, D) at one turn, with the utilities KTAB derives from them."""

    position: np.ndarray
    ideal: np.ndarray
    actors: SMPActors
    options: SMPOptions
    vdiff: np.ndarray = field(init=False)  # vdiff[i, j]: salience-weighted distance from i's ideal to j's position
    nra: np.ndarray = field(init=False)  # inferred risk attitudes R_i
    autil: np.ndarray = field(init=False)  # autil[h, i, j]: h's estimate of i's utility for j's position

    def __post_init__(self) -> None:
        opt, cap = self.options, self.actors.capability
        self.vdiff = bv_diff(self.ideal[:, None, :] - self.position[None, :, :], self.actors.salience[:, None, :])
        neutral = bs_util(self.vdiff, np.zeros_like(self.vdiff))
        c = kv.coalitions(cap, neutral, opt.voting_rule)
        p, _ = kv.prob_ce(c, opt.pce_model, opt.victory_prob_model)
        self.nra = kv.big_r_from_prob(p, opt.big_r_range)
        r_hi = kv.est_nra(self.nra[:, None], self.nra[None, :], opt.big_r_adjust)  # [h, i]
        self.autil = bs_util(self.vdiff[None, :, :], r_hi[:, :, None])

    @property
    def n(self) -> int:
        return self.position.shape[0]

    def own_utilities(self, point: np.ndarray) -> np.ndarray:
        """Every actor's utility for a point, each with its own risk attitude (``SMPActor::posUtil``)."""
        d = bv_diff(self.ideal - point[None, :], self.actors.salience)
        return bs_util(d, self.nra)

    def unique(self) -> list[int]:
        """Indices of the first actor at each distinct position (``ueIndices`` with ``equivNdx``)."""
        out: list[int] = []
        for i in range(self.n):
            if not any(np.linalg.norm(self.position[i] - self.position[k]) < self.options.pos_tol for k in out):
                out.append(i)
        return out

    def outcome_distribution(self) -> tuple[list[int], np.ndarray]:
        """KTAB's ``pDist(-1)``: probability of each distinct position being the outcome, each actor judging
        from its own perspective."""
        uniq = self.unique()
        u = self.autil[np.arange(self.n), np.arange(self.n)][:, uniq]  # u[i, k] = autil[i, i, uniq[k]]
        opt = self.options
        return uniq, kv.scalar_pce(self.actors.capability, u, opt.voting_rule, opt.victory_prob_model,
                                   opt.pce_model)

    def win_probabilities(self) -> np.ndarray:
        """Per actor, the probability that its position (or one equivalent to it) is the outcome."""
        uniq, p = self.outcome_distribution()
        out = np.zeros(self.n)
        for i in range(self.n):
            for k, j in enumerate(uniq):  # KTAB keeps the last equivalent unique position
                if np.linalg.norm(self.position[i] - self.position[j]) < self.options.pos_tol:
                    out[i] = p[k]
        return out

    def expected_outcome(self) -> np.ndarray:
        """Probability-weighted mean of the distinct positions (D,), on the [0, 1] scale."""
        uniq, p = self.outcome_distribution()
        return p @ self.position[uniq]


def bv_diff(delta: np.ndarray, sal: np.ndarray) -> np.ndarray:
    """Salience-weighted distance sqrt(sum_k (d_k s_k)^2 / sum_k s_k^2) over the last axis (``bvDiff``)."""
    return np.sqrt(((delta * sal) ** 2).sum(axis=-1) / (sal ** 2).sum(axis=-1))


def bs_util(d: np.ndarray, big_r: np.ndarray | float) -> np.ndarray:
    """KTAB's risk-curved utility of a distance d in [0, 1]: (1 - d)(1 + d R) (``bsUtil``)."""
    d = np.asarray(d, dtype=float)
    return np.where(d <= 1.0, (1.0 - d) * (1.0 + d * big_r), (1.0 - d) * (1.0 + big_r))


def challenge_values(st: SMPTurnState, h: int, k: int, rows: list[int] | None = None,
                     ) -> tuple[np.ndarray, np.ndarray]:
    """h's estimates, for every pair (i, j), of the chance that i beats j and of the gain to k of i
    challenging j (``probEduChlg``). Returns two (len(rows), N) arrays (all i by default); entries with
    i == j are meaningless."""
    opt, u = st.options, st.autil[h]
    n = st.n
    ii = np.arange(n) if rows is None else np.asarray(rows)
    w = st.actors.total_salience * st.actors.capability  # s_i c_i
    diag = np.diag(u)
    ut = u.T  # ut[i, n] = u[n, i]
    contrib_i = kv.vote(opt.voting_rule, w[ii, None], diag[ii, None], u[ii])  # i's vote in (i:j)
    contrib_j = kv.vote(opt.voting_rule, w[None, :], ut[ii], diag[None, :])  # j's: u[j, i] against u[j, j]
    chij = MIN_CLTN + np.clip(contrib_i, 0, None) + np.clip(contrib_j, 0, None)
    chji = MIN_CLTN + np.clip(-contrib_i, 0, None) + np.clip(-contrib_j, 0, None)
    # third parties n (axis 2), each starting afresh from the principals' contributions
    v = kv.third_party_votes(opt.voting_rule, opt.third_party_commit, w[None, None, :], ut[ii][:, None, :],
                             ut[None, :, :], diag[None, None, :], chij[:, :, None], chji[:, :, None])
    third = np.arange(n)[None, None, :]
    v = np.where((third != ii[:, None, None]) & (third != np.arange(n)[None, :, None]), v, 0.0)
    chij = chij + np.clip(v, 0, None).sum(axis=2)
    chji = chji + np.clip(-v, 0, None).sum(axis=2)
    phij = chij / (chij + chji)
    sj = st.actors.total_salience[None, :]
    uki, ukj = u[k][ii][:, None], u[k][None, :]
    eu_sq = uki + ukj
    eu_chlg = (1 - sj) * 2 * uki + sj * (phij * 2 * uki + (1 - phij) * 2 * ukj)
    return phij, eu_chlg - eu_sq


def interpolate(st: SMPTurnState, i: int, j: int, prb_i: float, prb_j: float) -> tuple[np.ndarray, np.ndarray]:
    """Bargain positions (for i, for j) between i's and j's positions, dimension by dimension
    (``SMPActor::interpolateBrgn``)."""
    ti, tj = st.position[i], st.position[j]
    si, sj = st.actors.salience[i], st.actors.salience[j]
    mode = st.options.inter_vec_brgn
    if mode == "S2PMax":
        di, dj = max(0.0, prb_j - prb_i), max(0.0, prb_i - prb_j)
        dik = di * sj ** 2 / (di * sj ** 2 + 1e-6 + (1 - di) * si ** 2)
        djk = dj * si ** 2 / (dj * si ** 2 + 1e-6 + (1 - dj) * sj ** 2)
        return ti + dik * (tj - ti), tj + djk * (ti - tj)
    power = {"S1P1": 1, "S2P2": 2}[mode]
    wi, wj = si ** power * prb_i ** power, sj ** power * prb_j ** power
    total = wi + 1e-6 + wj
    return _round4(((wi + 1e-6) * ti + wj * tj) / total), _round4((wi * ti + (1e-6 + wj) * tj) / total)


def _round4(x: np.ndarray) -> np.ndarray:
    """KTAB rounds interpolated bargains to 4 decimals (half up) to avoid spurious precision."""
    return np.floor(0.5 + x * 10000.0) / 10000.0


@dataclass
class Bargain:
    init: int
    rcvr: int
    pos_init: np.ndarray
    pos_rcvr: np.ndarray


def propose(st: SMPTurnState) -> list[Bargain]:
    """Each actor's bargain with its most advantageous target, in actor order (``doBCN(i)``)."""
    out: list[Bargain] = []
    for i in range(st.n):
        phij, edu = challenge_values(st, i, i, [i])
        best_j, best = -1, -1.0
        for j in range(st.n):
            if j != i and edu[0, j] > MIN_SIG_EDU and edu[0, j] > best:
                best_j, best = j, float(edu[0, j])
        if best_j < 0:
            continue
        j, p_iij = best_j, float(phij[0, best_j])
        b_iij = interpolate(st, i, j, p_iij, 1 - p_iij)
        model = st.options.bargn_model
        if model == "InitOnlyInterp":
            out.append(Bargain(i, j, *b_iij))
            continue
        # KTAB forms j's bargain from j's estimate of i's *gain* (its code reads the second element of the
        # (probability, gain) pair); reproduced as is
        _, edu_j = challenge_values(st, j, i, [i])
        p_jij = float(edu_j[0, j])
        b_jij = interpolate(st, i, j, p_jij, 1 - p_jij)
        if model == "InitRcvrInterp":
            out += [Bargain(i, j, *b_iij), Bargain(i, j, *b_jij)]
        elif model == "PWCompInterp":
            cap, sal = st.actors.capability, st.actors.total_salience
            wi, wj = cap[i] * sal[i], cap[i] * sal[j]  # KTAB takes both capabilities from the initiator
            out.append(Bargain(i, j, (wi * b_iij[0] + wj * b_jij[0]) / (wi + wj),
                               (wi * b_iij[1] + wj * b_jij[1]) / (wi + wj)))
        else:
            raise ValueError(f"unknown KTAB BargnModel '{model}'")
    return out


def bargain_utilities(st: SMPTurnState, bargains: list[Bargain | None]) -> np.ndarray:
    """u[n, m]: actor n's mean utility over all actors' positions if bargain m of an actor's list is carried
    out (``None`` = that actor's status quo): the bargain's two positions replace its two actors' positions
    (``updateBestBrgnPositions``)."""
    n = st.n
    own = st.autil[np.arange(n), np.arange(n)]  # own[a, x] = autil[a, a, x]
    total = own.sum(axis=1)
    u = np.zeros((n, len(bargains)))
    for m, b in enumerate(bargains):
        if b is None:
            u[:, m] = total / n
            continue
        swapped = st.own_utilities(b.pos_init) + st.own_utilities(b.pos_rcvr)
        u[:, m] = (swapped + total - own[:, b.init] - own[:, b.rcvr]) / n
    return u


@dataclass
class TurnRecord:
    """What one turn did: the bargains each actor faced, their probabilities and the chosen one."""

    lists: dict[int, list[Bargain | None]]
    probabilities: dict[int, np.ndarray]
    chosen: dict[int, int]


def step(st: SMPTurnState, chooser: Chooser | None = None,
         order: Callable[[int, list[Bargain | None]], list[Bargain | None]] | None = None,
         draw_order: list[int] | None = None) -> tuple[SMPTurnState, TurnRecord]:
    """One SMP turn (``SMPState::doBCN``): bargains proposed, each actor's bargains compared by the PCE
    procedure, each actor moves to its chosen bargain, ideals adjust.

    ``chooser`` draws for stochastic state transitions, actor by actor in ``draw_order`` (default: actor
    order); ``order`` may reorder an actor's bargain list. In KTAB both orders are set by its threads, so only
    a replay of a logged schedule reproduces a stochastic KTAB run draw for draw."""
    opt = st.options
    proposed = propose(st)
    record = TurnRecord({}, {}, {})
    for k in range(st.n):
        lst: list[Bargain | None] = [None] + [b for b in proposed if k in (b.init, b.rcvr)]
        if order is not None:
            lst = order(k, lst)
        u = bargain_utilities(st, lst)
        record.lists[k] = lst
        record.probabilities[k] = kv.scalar_pce(st.actors.capability, u, opt.voting_rule,
                                                opt.victory_prob_model, opt.pce_model)
    new_pos = st.position.copy()
    for k in (range(st.n) if draw_order is None else draw_order):
        p = record.probabilities[k]
        if opt.state_transitions == "Deterministic":
            m = int(np.argmax(np.abs(p)))
        elif chooser is None:
            raise ValueError("stochastic state transitions need a random chooser")
        else:
            m = chooser(p)
        record.chosen[k] = m
        b = record.lists[k][m]
        if b is not None:
            new_pos[k] = b.pos_init if b.init == k else b.pos_rcvr
    acc = st.actors.accommodate
    lag = 1.0 - np.minimum(acc.sum(axis=1), 1.0)
    new_ideal = acc @ new_pos + lag[:, None] * st.ideal
    return SMPTurnState(new_pos, new_ideal, st.actors, opt), record


def state_distance(a: SMPTurnState, b: SMPTurnState) -> float:
    """Sum over actors of the Euclidean distance between their positions (``SMPModel::stateDist``)."""
    return float(np.linalg.norm(a.position - b.position, axis=1).sum())


def generator_chooser(rng: np.random.Generator) -> Chooser:
    """Stochastic transitions drawn from a numpy generator, with KTAB's cumulative rule."""
    return lambda p: prob_sel(p, float(rng.random()))


@dataclass(frozen=True)
class StopRule:
    """KTAB's stopping rule (``smpStopFn`` with ``configExec``'s constants): stop after ``max_turns``, or once
    at least ``min_turns`` are played and the last turn moved the positions less than ``min_delta_ratio`` of
    the first turn's move (plus ``min_sig_delta``, a guard against 0/0)."""

    min_turns: int = 2
    max_turns: int = 100
    min_delta_ratio: float = 0.02
    min_sig_delta: float = 1e-4

    def ratio(self, history: list[SMPTurnState]) -> float:
        first = state_distance(history[0], history[1]) + self.min_sig_delta
        return state_distance(history[-1], history[-2]) / first

    def done(self, history: list[SMPTurnState]) -> bool:
        turns = len(history) - 1
        return turns >= self.max_turns or (turns >= self.min_turns and self.ratio(history) < self.min_delta_ratio)


def run(st: SMPTurnState, stop: StopRule | None = None, chooser: Chooser | None = None,
        schedule: Callable[[int], tuple] | None = None) -> tuple[list[SMPTurnState], list[TurnRecord]]:
    """A whole KTAB run from ``st`` until the stopping rule fires (``Model::run``). ``schedule(turn)`` may give
    (order, draw_order) for :func:`step` to replay a logged thread schedule."""
    stop = stop or StopRule()
    history, records = [st], []
    while True:
        order, draw = schedule(len(records)) if schedule else (None, None)
        nxt, rec = step(history[-1], chooser, order, draw)
        history.append(nxt)
        records.append(rec)
        if stop.done(history):
            return history, records
