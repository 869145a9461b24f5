"""Statements and resolved speakers on speakers-dev (../shared/data/speakers-dev).

The score is the shared tool's (``../shared/tools/statementcheck.py``): its matching and name
normalisation are imported from it at run time rather than copied, so the two never drift
apart. What this module adds is the development split and the error listing:

* ``half`` a / b: the articles in sorted ``doc_id`` order, even positions (a) and odd ones (b).
  Changes are decided on a and confirmed on b (docs/accuracy.md);
* ``errors``: every gold statement missed, every prediction with no gold, and every matched
  pair whose speaker name (or channel) differs, with the words around it.
"""
from __future__ import annotations

import collections
import importlib.util
import json
from pathlib import Path
from typing import Callable, Iterable, Optional

DEFAULT_DATA = Path("../shared/data/speakers-dev")
DEFAULT_TOOL = Path("../shared/tools/statementcheck.py")
HALVES = ("a", "b", "all")


def load_tool(path: Path = DEFAULT_TOOL):
    spec = importlib.util.spec_from_file_location("statementcheck", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_gold(data: Path = DEFAULT_DATA, half: str = "all") -> list[dict]:
    gold = [json.loads(line) for line in open(data / "gold.jsonl", encoding="utf-8") if line.strip()]
    gold.sort(key=lambda g: g["doc_id"])
    if half == "a":
        return gold[0::2]
    if half == "b":
        return gold[1::2]
    return gold


def score(gold: list[dict], predictions: dict[str, dict], tool) -> dict:
    """Counts of the shared tool's measures, its P / R / F1 of statements and of attributions
    (``measures``), plus the error records."""
    tot: collections.Counter = collections.Counter()
    by_kind: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    errors: list[dict] = []
    for g in gold:
        d = predictions.get(g["doc_id"], {"statements": []})
        text = g["text"]
        golds = [s for s in g["statements"] if s.get("content")]
        preds = [s for s in d.get("statements", []) if s.get("content")]
        for scope in ("all", "speech"):
            gg = golds if scope == "all" else [s for s in golds if s["channel"] == "speech"]
            pp = preds if scope == "all" else [s for s in preds
                                               if s.get("channel", "speech") == "speech"]
            pairs = tool.match(text, gg, pp)
            tot[scope + ".gold"] += len(gg)
            tot[scope + ".pred"] += len(pp)
            tot[scope + ".tp"] += len(pairs)
            for gi, pi in pairs:
                name = (pp[pi].get("speaker") or {}).get("name")
                right = tool.norm_name(name) == tool.norm_name(gg[gi]["speaker"]["name"])
                tot[scope + ".right"] += right
                if scope != "all":
                    continue
                kind = gg[gi].get("mention_kind", "?")
                by_kind[kind][0] += right
                by_kind[kind][1] += 1
                channel_ok = pp[pi].get("channel") == gg[gi]["channel"]
                tot["channel.ok"] += channel_ok
                if not right or not channel_ok:
                    errors.append({"doc": g["doc_id"][:8], "what": "speaker" if not right
                                   else "channel", "gold": gg[gi], "pred": pp[pi]})
            if scope == "all":
                matched_g = {gi for gi, _ in pairs}
                matched_p = {pi for _, pi in pairs}
                errors += [{"doc": g["doc_id"][:8], "what": "missed", "gold": s}
                           for i, s in enumerate(gg) if i not in matched_g]
                errors += [{"doc": g["doc_id"][:8], "what": "spurious", "pred": s}
                           for i, s in enumerate(pp) if i not in matched_p]
    measures = {scope: (tool.prf(tot[scope + ".tp"], tot[scope + ".pred"], tot[scope + ".gold"]),
                        tool.prf(tot[scope + ".right"], tot[scope + ".pred"],
                                 tot[scope + ".gold"]))
                for scope in ("all", "speech")}
    return {"counts": tot, "measures": measures, "by_kind": dict(by_kind), "errors": errors}


def format_report(result: dict) -> str:
    tot = result["counts"]
    lines = []
    for scope, label in (("all", "statements (all channels)"), ("speech", "statements (speech only)")):
        (p, r, f), (_, _, af) = result["measures"][scope]
        acc = tot[scope + ".right"] / tot[scope + ".tp"] if tot[scope + ".tp"] else 0.0
        lines.append(f"{label:27s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}   speaker name {acc:.3f}"
                     f"   attribution F1 {af:.3f}")
    lines.append("speaker name by gold mention kind: " + ", ".join(
        f"{k} {v[0]}/{v[1]} ({v[0] / v[1]:.2f})" for k, v in sorted(result["by_kind"].items())
        if v[1]))
    n = tot["all.tp"]
    lines.append(f"channel on matched: {tot['channel.ok'] / n if n else 0.0:.3f}")
    return "\n".join(lines)


def _brief(statement: Optional[dict]) -> str:
    if not statement:
        return "-"
    content = (statement.get("content") or {}).get("text", "")
    content = content if len(content) < 90 else content[:60] + " … " + content[-25:]
    speaker = statement.get("speaker") or {}
    mention = statement.get("mention") or speaker.get("mention") or {}
    cue = statement.get("cue") or {}
    return (f"[{speaker.get('name')!r} via {mention.get('text') if mention else None!r}"
            f" / {statement.get('mention_kind') or speaker.get('mention_kind')}]"
            f" cue={cue.get('text') if cue else None!r} {statement.get('channel')}: {content!r}")


def format_errors(result: dict, what: Iterable[str]) -> str:
    wanted = set(what)
    lines = []
    for error in result["errors"]:
        if error["what"] not in wanted:
            continue
        lines.append(f"{error['doc']} {error['what'].upper()}")
        if "gold" in error:
            lines.append("   gold " + _brief(error["gold"]))
        if "pred" in error:
            lines.append("   pred " + _brief(error["pred"]))
    return "\n".join(lines)


def evaluate_speakers(gold: list[dict], analyze_texts: Callable[[list[tuple[str, str]]], Iterable],
                      tool) -> dict:
    """Run ``analyze_texts`` over the gold texts and score its analyses."""
    analyses = analyze_texts([(g["doc_id"], g["text"]) for g in gold])
    predictions = {a.id: a.to_dict() for a in analyses}
    return score(gold, predictions, tool)
