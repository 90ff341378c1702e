"""KTAB's voting, coalition, victory-probability and PCE arithmetic (the ``kmodel`` library), vectorised.

Re-implemented from KTAB's C++ source, ``KTAB/kmodel/libsrc/kmodel.cpp`` (github.com/lsyaseen/KTAB, commit
3b5b0635, MIT licence; B. Wise et al., KAPSARC). Names follow KTAB's so the code can be read side by side.

* vote of an actor with weight w on option a over b, du = u(a) - u(b) (``VotingRule``):
  Binary w clip(du / 1e-8, -1, 1); PropBin w (0.8 du + 0.2 bin); Prop w du; PropCbc w (du + du^3) / 2;
  Cubic w du^3; ASymProsp w du if du < 0 else 2 w du / 3;
* coalition strength c_ab = 1e-8 + sum_k max(0, v_k(a, b)) (``Model::coalitions``);
* probability a beats b (``VPModel``): f(c_ab) / (f(c_ab) + f(c_ba)) with f the 1st, 2nd, 4th or 8th power, or
  KTAB's 10 % threshold rule (Binary); 1/2 on the diagonal;
* probability of each option being the collective outcome (``PCEModel``): Conditional,
  p_a proportional to prod_b P_ab; MarkovIncentive, the fixed point of KTAB's incentive-weighted challenge chain
  (challenges of a against b are launched in proportion to c_ab P_ab); MarkovUniform, uniform challenges;
* risk attitude from the risk-neutral outcome probabilities (``BigRRange``): Min (p - p_min) / (p_max - p_min),
  Mid (3p - p_max - 2 p_min) / (2 (p_max - p_min)), Max (2p - p_max - p_min) / (p_max - p_min);
* h's estimate of i's risk attitude (``BigRAdjust``): None r_h, OneThird (2 r_h + r_i)/3, Half, TwoThirds, Full r_i;
* third parties in a challenge (``ThirdPartyCommit``, ``Actor::thirdPartyVoteSU`` and ``vProbLittle``).
"""

from __future__ import annotations

import numpy as np

VOTING_RULES = ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp")
VP_MODELS = ("Linear", "Square", "Quartic", "Octic", "Binary")
PCE_MODELS = ("Conditional", "MarkovIncentive", "MarkovUniform")
BIG_R_RANGES = ("Min", "Mid", "Max")
BIG_R_ADJUSTS = ("None", "OneThird", "Half", "TwoThirds", "Full")
THIRD_PARTY = ("NoCommit", "SemiCommit", "FullCommit")
MIN_COALITION = 1e-8


def vote(rule: str, weight: np.ndarray | float, u_a: np.ndarray | float, u_b: np.ndarray | float) -> np.ndarray:
    """KTAB's ``Model::vote``: weighted vote for option a over b, elementwise."""
    du = np.asarray(u_a, dtype=float) - np.asarray(u_b, dtype=float)
    w = np.asarray(weight, dtype=float)
    if rule == "Binary":
        return w * np.clip(du / 1e-8, -1.0, 1.0)
    if rule == "PropBin":
        return w * (0.8 * du + 0.2 * np.clip(du / 1e-8, -1.0, 1.0))
    if rule == "Prop":
        return w * du
    if rule == "PropCbc":
        return w * (0.5 * du + 0.5 * du ** 3)
    if rule == "Cubic":
        return w * du ** 3
    if rule == "ASymProsp":
        return np.where(du < 0.0, w * du, 2.0 * w * du / 3.0)
    raise ValueError(f"unknown KTAB voting rule '{rule}'")


def coalitions(weight: np.ndarray, util: np.ndarray, rule: str) -> np.ndarray:
    """c[a, b]: strength of the coalition for option a against b; ``util`` is (actors, options).

    As in KTAB, only the votes v_k(a, b) with a > b are computed; their positive parts build c[a, b] and their
    negative parts c[b, a] (this matters only for the asymmetric rule)."""
    m = util.shape[1]
    v = vote(rule, weight[:, None, None], util[:, :, None], util[:, None, :])  # (k, a, b)
    lower = np.tril(np.ones((m, m), dtype=bool), k=-1)
    pos = np.clip(v, 0.0, None).sum(axis=0)
    neg = np.clip(-v, 0.0, None).sum(axis=0)
    c = np.full((m, m), MIN_COALITION)
    c[lower] += pos[lower]
    c.T[lower] += neg[lower]
    return c


def _power(x: np.ndarray, model: str) -> np.ndarray:
    return {"Linear": x, "Square": x ** 2, "Quartic": x ** 4, "Octic": x ** 8}[model]


def victory_probabilities(c: np.ndarray, model: str = "Linear") -> np.ndarray:
    """P[a, b]: probability that option a defeats b given coalition strengths (``Model::vProb``)."""
    cab, cba = c, c.T
    if model == "Binary":
        thresh, tiny = 1.10, 1e-6
        ratio = cab / (cab + cba)
        mid = (ratio * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(cab >= thresh * cba, 1.0, np.where(cba >= thresh * cab, tiny, mid))
        x2 = np.where(cab >= thresh * cba, tiny, np.where(cba >= thresh * cab, 1.0, 1.0 - mid))
    else:
        x1, x2 = _power(cab, model), _power(cba, model)
    p = x1 / (x1 + x2)
    np.fill_diagonal(p, 0.5)
    return p


def conditional_pce(pv: np.ndarray) -> np.ndarray:
    """Probability each option beats all others, conditional on one doing so (``Model::condPCE``)."""
    p = np.prod(pv, axis=1)
    return p / p.sum()


def markov_incentive_pce(c: np.ndarray, model: str = "Linear", tol: float = 1e-8) -> np.ndarray:
    """KTAB's ``Model::markovIncentivePCE``: options are challenged in proportion to c_ab P_ab; iterate
    p <- (p + q) / 2 with q_a = sum_b P_ab (p_a chlg(b|a) + p_b chlg(a|b)) until no entry of q moves more than
    ``tol`` from p."""
    pv = victory_probabilities(c, model)
    incentive = c * pv + np.eye(c.shape[0]) * 1e-10
    chlg = incentive / incentive.sum(axis=0, keepdims=True)  # chlg[a, b]: b is challenged by a
    n = c.shape[0]
    p = np.full(n, 1.0 / n)
    for _ in range(1000):
        ct = p[:, None] * chlg.T  # ct[a, b] = p_a chlg[b, a]
        q = (pv * (ct + ct.T)).sum(axis=1)
        change = float(np.abs(q - p).max())
        p = (p + q) / 2.0
        if change <= tol:
            return p
    raise ArithmeticError("KTAB MarkovIncentive PCE did not converge in 1000 iterations")


def markov_uniform_pce(pv: np.ndarray, tol: float = 1e-6) -> np.ndarray:
    """KTAB's ``Model::markovUniformPCE``: uniform challenges, same damped fixed-point iteration."""
    n = pv.shape[0]
    p = np.full(n, 1.0 / n)
    for _ in range(1000):
        q = (pv * (p[:, None] + p[None, :])).sum(axis=1) / n
        change = float(np.abs(q - p).max())
        p = (p + q) / 2.0
        if change <= tol:
            return p
    raise ArithmeticError("KTAB MarkovUniform PCE did not converge in 1000 iterations")


def prob_ce(c: np.ndarray, pce: str = "Conditional", vp: str = "Linear") -> tuple[np.ndarray, np.ndarray]:
    """(p, P): outcome probabilities of the options and the pairwise victory matrix (``Model::probCE2``)."""
    pv = victory_probabilities(c, vp)
    if pce == "Conditional":
        p = conditional_pce(pv)
    elif pce == "MarkovIncentive":
        p = markov_incentive_pce(c, vp)
    elif pce == "MarkovUniform":
        p = markov_uniform_pce(pv)
    else:
        raise ValueError(f"unknown KTAB PCE model '{pce}'")
    return p, pv


def scalar_pce(weight: np.ndarray, util: np.ndarray, rule: str, vp: str, pce: str) -> np.ndarray:
    """Outcome probabilities of the options (columns of ``util``) when actors vote with ``weight``."""
    return prob_ce(coalitions(weight, util, rule), pce, vp)[0]


def big_r_from_prob(p: np.ndarray, big_r_range: str = "Mid") -> np.ndarray:
    """Risk attitudes in [-1, 1] from outcome probabilities (``Model::bigRfromProb``).

    KTAB divides by p_max - p_min; when every option is equally likely (one actor, or all positions equal) that
    is 0/0 and KTAB refuses such a case; here everyone is then risk neutral."""
    lo, hi = float(p.min()), float(p.max())
    if hi - lo <= 1e-300:
        return np.zeros_like(p)
    if big_r_range == "Min":
        return (p - lo) / (hi - lo)
    if big_r_range == "Mid":
        return (3.0 * p - (hi + 2.0 * lo)) / (2.0 * (hi - lo))
    if big_r_range == "Max":
        return (2.0 * p - (hi + lo)) / (hi - lo)
    raise ValueError(f"unknown KTAB BigRRange '{big_r_range}'")


def est_nra(r_h: np.ndarray, r_i: np.ndarray, adjust: str = "OneThird") -> np.ndarray:
    """h's estimate of i's risk attitude (``Model::estNRA``)."""
    share = {"None": 0.0, "OneThird": 1.0 / 3.0, "Half": 0.5, "TwoThirds": 2.0 / 3.0, "Full": 1.0}[adjust]
    if adjust == "OneThird":
        return (2.0 * r_h + r_i) / 3.0
    if adjust == "TwoThirds":
        return (r_h + 2.0 * r_i) / 3.0
    return (1.0 - share) * r_h + share * r_i


def third_party_votes(rule: str, commit: str, w_n: np.ndarray, u_ni: np.ndarray, u_nj: np.ndarray,
                      u_nn: np.ndarray, c_i: np.ndarray, c_j: np.ndarray) -> np.ndarray:
    """Vote of third party n in the contest i : j (positive helps i), elementwise.

    n first estimates p_in, the chance that i wins if n joins whichever side it prefers, from the principals'
    own coalition contributions c_i, c_j (``vProbLittle``); then it compares the expected three-position
    outcomes of joining i and joining j (``thirdPartyVoteSU``); ``commit`` says whether the loser of a contest
    n joined keeps n's own position (SemiCommit, NoCommit) or adopts the winner's."""
    contrib = vote(rule, w_n, u_ni, u_nj)
    ci = np.where(contrib > 0, c_i + contrib, c_i)
    cj = np.where(contrib < 0, c_j - contrib, c_j)
    p_in = ci / (ci + cj)
    p_jn = 1.0 - p_in
    if commit == "FullCommit":
        ik_def_j, j_def_ik, i_def_jk, jk_def_i = 3 * u_ni, 3 * u_nj, 3 * u_ni, 3 * u_nj
    elif commit == "SemiCommit":
        ik_def_j, j_def_ik, i_def_jk, jk_def_i = 2 * u_ni + u_nn, 3 * u_nj, 3 * u_ni, 2 * u_nj + u_nn
    elif commit == "NoCommit":
        ik_def_j, j_def_ik = 2 * u_ni + u_nn, 2 * u_nj + u_nn
        i_def_jk, jk_def_i = 2 * u_ni + u_nn, 2 * u_nj + u_nn
    else:
        raise ValueError(f"unknown KTAB ThirdPartyCommit '{commit}'")
    u_ik_j = p_in * ik_def_j + p_jn * j_def_ik
    u_i_jk = p_in * i_def_jk + p_jn * jk_def_i
    return vote(rule, w_n, u_ik_j, u_i_jk)
