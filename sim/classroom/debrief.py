"""Debrief tables: timeline, positions and utilities per actor per round, the outcome, and how the class's
outcome compares with the model-alone distribution of the same scenario.

Utilities come from ``sim.core.utility`` (measured against each actor's starting ideal point, like the
outcome classifier); categories from ``sim.outcomes``. Nothing here does negotiation math.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.classroom.session import ExerciseSession
from sim.classroom.views import utility_of
from sim.outcomes import CATEGORIES, CATEGORY_LABELS


def describe_move(move: dict[str, Any], empty: str = "no move") -> str:
    """One line for a team's move: its proposal, response and pressures."""
    parts = []
    if move["proposal"]:
        parts.append("proposes " + ", ".join(f"{k}={v:g}" for k, v in move["proposal"].items()))
    if move["response"] is not None:
        parts.append("will accept" if move["response"] else "will reject")
    parts += [f"presses {p['target']} ({p['strength']:g})" for p in move["pressures"]]
    return "; ".join(parts) or empty


def _describe(record: dict[str, Any]) -> str:
    kind = record["kind"]
    if kind == "move":
        return describe_move(record["move"])
    if kind == "inject":
        vis = record["visibility"]
        who = "public" if vis == "public" else "to " + ", ".join(vis)
        return f"inject ({who}): {record.get('event_id') or record.get('label')}"
    if kind == "override":
        what = (f"imposes agreement {_package(record['package'])}" if "package" in record
                else "reopens the talks (the agreement is vetoed)" if record.get("reopen")
                else f"sets {record['parameter']} = {record['value']:g}")
        return f"override: {what} — reason: {record['reason']}"
    if kind == "extend":
        return f"extends the phase by {record['seconds']:g} s"
    if kind == "advance":
        return "next phase" + (f" ({record['reason']})" if record.get("reason") else "")
    if kind in ("pause", "restart", "resume"):
        return f"{kind} {record.get('reason', '')}".strip()
    return kind


def _package(package: dict[str, float]) -> str:
    return ", ".join(f"{issue} {value:.0f}" for issue, value in package.items())


def timeline(session: ExerciseSession) -> pd.DataFrame:
    """Every logged action, then what the model did with it, round by round."""
    t0 = session.header["t"]
    rows = [{"order": (r["round"], 0, r["seq"]), "minute": round((r["t"] - t0) / 60.0, 2), "round": r["round"],
             "phase": r["phase"], "by": r["by"], "kind": r["kind"], "what": _describe(r)}
            for r in session.records[1:]]
    for k, entry in enumerate(session.rounds):
        result = entry["result"]
        rows.extend({"order": (entry["round"], 1, k), "minute": None, "round": entry["round"],
                     "phase": "adjudicate", "by": "model", "kind": "event", "what": f"event fired: {e['label']}"}
                    for e in result.get("events", []))
        if result.get("offer"):
            verdict = "deal" if result.get("agreed") else "no deal"
            responses = result.get("accepted") or {}
            rejected = [a for a, ok in responses.items() if not ok]
            rows.append({"order": (entry["round"], 2, k), "minute": None, "round": entry["round"],
                         "phase": "adjudicate", "by": result.get("proposer"), "kind": "offer",
                         "what": f"offer {_package(result['offer'])} -> {verdict}"
                         + (f" (rejected by {', '.join(rejected)})" if rejected else "")
                         + (" [model played the round]" if entry.get("autoplayed") else "")})
    rows.sort(key=lambda row: row["order"])
    return pd.DataFrame(rows, columns=["order", "minute", "round", "phase", "by", "kind", "what"]).drop(
        columns="order")


def positions(session: ExerciseSession) -> pd.DataFrame:
    """Long table: round (0 = start), actor, issue, position after that round."""
    snaps = [(0, session.rounds[0]["before"] if session.rounds else session.published)]
    snaps += [(e["round"], e["after"]) for e in session.rounds]
    rows = [{"round": r, "actor": a, "issue": i, "position": v}
            for r, snap in snaps for a, by_issue in snap["position"].items() for i, v in by_issue.items()]
    return pd.DataFrame(rows, columns=["round", "actor", "issue", "position"])


def utilities(session: ExerciseSession) -> pd.DataFrame:
    """Per round and actor: utility of the offer on the table (and of the final package, round 'final')."""
    rows = []
    for entry in session.rounds:
        offer = entry["result"].get("offer")
        for actor in session.compiled.actor_ids:
            rows.append({"round": entry["round"], "actor": actor, "utility": utility_of(session, actor, offer)})
    return pd.DataFrame(rows, columns=["round", "actor", "utility"])


def marks(session: ExerciseSession, audience: str = "facilitator") -> pd.DataFrame:
    """What the class and the white cell did, month by month, for the debrief chart: team proposals (per issue),
    team votes, injects (``audience="public"``: public ones only) and the white cell's vetoes and imposed deals."""
    rows: list[dict[str, Any]] = []
    for entry in session.rounds:
        month = entry["round"]
        for actor, move in entry["moves"].items():
            if move["proposal"] and entry["result"].get("proposer") == actor:
                rows += [{"month": month, "kind": "proposal", "actor": actor, "issue": i, "value": v,
                          "label": f"{actor} proposes"} for i, v in move["proposal"].items()]
        for actor, vote in (entry["result"].get("votes") or {}).items():
            if vote["by"] == "team":
                rows.append({"month": month, "kind": "vote", "actor": actor, "issue": None, "value": None,
                             "label": f"{actor} {'accepts' if vote['accept'] else 'rejects'}"})
        for override in entry["overrides"]:
            if override.get("reopen"):
                rows.append({"month": month, "kind": "veto", "actor": "white cell", "issue": None, "value": None,
                             "label": "white cell vetoes the deal"})
            elif "package" in override:
                rows += [{"month": month, "kind": "imposed", "actor": "white cell", "issue": i, "value": v,
                          "label": "white cell imposes a deal"} for i, v in override["package"].items()]
    for inject in session.injects:
        if audience == "public" and inject["visibility"] != "public":
            continue
        if any(e["round"] == inject["fires_round"] for e in session.rounds):
            rows.append({"month": inject["fires_round"], "kind": "inject", "actor": "white cell", "issue": None,
                         "value": None, "label": inject["label"]})
    return pd.DataFrame(rows, columns=["month", "kind", "actor", "issue", "value", "label"])


def world(session: ExerciseSession, published_only: bool = False) -> pd.DataFrame:
    """Month by month and per base: the talks' status (signed / unresolved / breakdown), the presence category
    and value, the legal status (as recorded after each round, overrides included)."""
    rows = [{"month": e["round"], "issue": issue, **state} for e in session.rounds
            if e["published"] or not published_only for issue, state in e.get("world", {}).items()]
    return pd.DataFrame(rows, columns=["month", "issue", "status", "category", "presence", "legal"])


def world_table(session: ExerciseSession, published_only: bool = False) -> pd.DataFrame:
    """:func:`world` as one row per month and one column per base, each cell 'status: category label'."""
    frame = world(session, published_only)
    if frame.empty:
        return pd.DataFrame(columns=["month"])
    labels = {i: session.compiled.scenario.issues[i].label for i in frame["issue"].unique()}
    frame["cell"] = frame["status"].replace({"open": "unresolved"}) + ": " + frame["category"].map(
        lambda c: CATEGORY_LABELS.get(c, c))
    table = frame.pivot(index="month", columns="issue", values="cell").reset_index()
    return table.rename(columns=labels)


def outcome(session: ExerciseSession) -> dict[str, Any] | None:
    return session.rounds[-1]["outcome"] if session.rounds else None


def comparison(session: ExerciseSession, baseline: pd.DataFrame | None) -> dict[str, Any] | None:
    """Where the class's outcome falls in the model-alone distribution (None until both exist)."""
    final = outcome(session)
    if final is None or baseline is None or baseline.empty:
        return None
    result: dict[str, Any] = {"n": int(len(baseline)), "bases": {}, "utilities": {},
                              "agreed_share": float(baseline["agreed"].mean()), "class_agreed": final["agreed"]}
    if 0 in set(baseline["replication"]):
        row0 = baseline[baseline["replication"] == 0].iloc[0]
        result["counterfactual"] = {b: row0[f"category.{b}"] for b in final["categories"]}
    for base, category in final["categories"].items():
        shares = baseline[f"category.{base}"].value_counts(normalize=True)
        values = baseline[f"outcome.{base}"].to_numpy(dtype=float)
        value = float(final["package"][base])
        result["bases"][base] = {
            "class_category": category, "class_value": value,
            "shares": {c: float(shares.get(c, 0.0)) for c in CATEGORIES},
            "share_same_category": float(shares.get(category, 0.0)),
            "percentile": float(np.mean(values <= value) * 100.0),
        }
    for actor, value in final["utilities"].items():
        column = baseline[f"utility.{actor}"].to_numpy(dtype=float)
        result["utilities"][actor] = {"class": value, "model_median": float(np.median(column)),
                                      "percentile": float(np.mean(column <= value) * 100.0)}
    return result
