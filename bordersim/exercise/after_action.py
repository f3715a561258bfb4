"""The after-action report of an exercise: what was played, against doing nothing and
against the plans on paper, and what each decision did.

One study runs every plan on the same replications (common random numbers): doing
nothing (the reference), the decisions as played, the plans on paper, and the decisions
as played less each decision in turn. The comparison of the first three kinds is the
report's ranking and figures; the last kind says which decision helped most, and which
made a queue somewhere (a diversion order filling the other bridge). The words are in
:func:`debrief`, saved as exercise.json beside the results, which the report shows
first.
"""

from __future__ import annotations

from typing import Any

from ..report.briefing import capital, listed
from ..results import (
    EXCESS_DELAY,
    MAX_QUEUE_KM,
    REGION,
    TIME_TO_RECOVER,
    Comparison,
    Difference,
    FigureKey,
)
from ..scenario import Scenario
from ..scenario.decisions import Log, action_of
from ..units import format_duration
from .session import NOTHING, PLAYED, PlaceNames, played_scenario

WITHOUT = "without_"  # plans of the decisions as played less one: without_1, without_2...
EXERCISE_FILE = "exercise.json"


def study_plans(s: Scenario, log: Log) -> tuple[Scenario, list[str], list[str]]:
    """The scenario to run (injects' events, the plans) and its plans: those compared in
    the report (doing nothing first), then the played decisions less each one."""
    assert s.exercise is not None
    s = s.model_copy(update={"seed": log.seed})
    played = played_scenario(s, log.decisions)
    actions = played.plans[PLAYED]
    plans: dict[str, list[Any]] = {NOTHING: [], PLAYED: actions}
    for name in s.exercise.paper_plans(s):
        plans[name] = played.plans[name]
    shown = list(plans)
    for i in range(len(actions)):
        plans[f"{WITHOUT}{i + 1}"] = actions[:i] + actions[i + 1 :]
    return played.model_copy(update={"plans": plans}), shown, list(plans)


def timeline(s: Scenario, log: Log, names: PlaceNames) -> list[dict[str, str]]:
    """Injects received and decisions taken, in time order (up to the room's clock)."""
    assert s.exercise is not None
    rows = [
        (i.at, 0, {"clock": s.clock(i.at), "kind": "inject", "who": i.source, "what": i.text})
        for i in s.exercise.injects
        if i.at <= log.now
    ]
    for n, d in enumerate(log.decisions, 1):
        words = names(action_of(s, d).text(s))
        rows.append(
            (
                d.at,
                1,
                {"clock": s.clock(d.at), "kind": f"decision {n}", "who": d.role, "what": words},
            )
        )
    return [r for _, _, r in sorted(rows, key=lambda r: (r[0], r[1]))]


def debrief(s: Scenario, log: Log, main: Comparison, effects: Comparison | None) -> dict[str, Any]:
    """The after-action words: paragraphs of sentences (with a tone where one is better or
    worse) and the timeline, as JSON for the report."""
    assert s.exercise is not None
    ctx = main.context
    names = PlaceNames(s)
    paragraphs = []

    # The decisions against doing nothing and against each plan on paper.
    total = main.row(FigureKey(EXCESS_DELAY, REGION))
    sentences: list[dict[str, Any]] = []
    if total is not None:
        d = total.differences.get(PLAYED)
        if d is not None:
            sentences.append(_said(d, "The decisions taken", "doing nothing"))
        for plan in main.plans[2:]:
            vs = Difference.of(
                total.by_plan[plan].values or (),
                total.by_plan[PLAYED].values or (),
                EXCESS_DELAY.better,
                main.practical,
            )
            sentences.append(_said(vs, "The decisions taken", f"plan '{plan}' on paper"))
    paragraphs.append({"heading": "What was played", "sentences": sentences})

    # Recovery at each disrupted plaza: said where the decisions made it differ.
    recovery: list[dict[str, Any]] = []
    alike: list[str] = []
    never: list[str] = []  # not back to normal by the end under any plan
    for info in ctx.plazas:
        row = main.row(FigureKey(TIME_TO_RECOVER, info.place))
        if row is None:
            continue
        mine = row.by_plan[PLAYED]
        parts = []
        for other in main.plans:
            if other == PLAYED:
                continue
            theirs = row.by_plan[other]
            label = "doing nothing" if other == NOTHING else f"plan '{other}'"
            if mine.value is not None and theirs.value is not None:
                gap = theirs.value - mine.value
                if abs(gap) * 60 >= 15:
                    way = "sooner" if gap > 0 else "later"
                    parts.append(f"{format_duration(abs(gap) * 3600)} {way} than {label}")
            elif mine.value is not None:
                parts.append(f"where {label} does not by the end of the run")
            elif theirs.value is not None:
                parts.append(f"where {label} does ({_after(theirs.value)})")
        if not parts and mine.value is None:
            never.append(ctx.name(info.place))
            continue
        if not parts:
            alike.append(ctx.name(info.place))
            continue
        when = (
            f"back to normal {_after(mine.value)}"
            if mine.value is not None
            else "not back to normal by the end of the run"
        )
        recovery.append(
            {
                "text": f"At {ctx.name(info.place)}, waits were {when}: " + "; ".join(parts) + ".",
                "tone": None,
            }
        )
    if alike:
        recovery.append(
            {
                "text": f"At {listed(alike)}, waits were back to normal within 15 minutes of "
                "doing nothing and of every plan on paper.",
                "tone": None,
            }
        )
    if never:
        recovery.append(
            {
                "text": f"At {listed(never)}, waits were not back to normal by the end of the "
                "run, under the decisions taken, doing nothing or any plan on paper.",
                "tone": None,
            }
        )
    if recovery:
        paragraphs.append({"heading": "Recovery under the decisions taken", "sentences": recovery})

    decision_rows: list[list[str]] = []
    if effects is not None and len(effects.plans) > 1:
        paragraph, decision_rows = _decisions_paragraph(s, log, effects, names)
        paragraphs.append(paragraph)
    return {
        "title": s.exercise.title or s.name,
        "clock": s.clock(log.now),
        "decisions": len(log.decisions),
        "replications": main.replications,
        "paragraphs": paragraphs,
        "timeline": timeline(s, log, names),
        "decision_rows": decision_rows,
    }


def _after(hours: float) -> str:
    if hours * 60 < 1:
        return "as soon as the disruption ended"
    return f"{format_duration(hours * 3600)} after the disruption ended"


def _said(d: Difference, who: str, against: str) -> dict[str, Any]:
    """``The decisions taken caused 1,234 vehicle-hours less delay than doing nothing``."""
    e = d.estimate
    if e.value is None:
        return {"text": f"{who}: against {against}, cannot tell within the horizon.", "tone": None}
    if e.value == 0 and e.low in (0, None) and e.high in (0, None):
        return {
            "text": f"{who} gave the same total excess delay as {against}, in every replication.",
            "tone": None,
        }
    size = f"{abs(e.value):,.0f} vehicle-hours"
    if e.low is not None and e.high is not None:
        lo, hi = sorted((abs(e.low), abs(e.high)))
        if (e.low < 0) == (e.high < 0):
            size += f" (95% interval {lo:,.0f} to {hi:,.0f})"
    way = "less" if e.value < 0 else "more"
    verdict = d.verdict
    tone = {"better": "better", "worse": "worse"}.get(verdict)
    if verdict in ("better", "worse"):
        tail = f": {verdict}"
    elif verdict == "no practical difference":
        tail = ": too small to matter"
    else:
        tail = ": not clear (more replications would tell)"
    return {
        "text": f"{who} gave {size} {way} total excess delay than {against}{tail}.",
        "tone": tone,
    }


def _decisions_paragraph(
    s: Scenario, log: Log, effects: Comparison, names: PlaceNames
) -> tuple[dict[str, Any], list[list[str]]]:
    """Each decision's effect (the decisions as played against the same less it), in
    sentences naming every decision, and as table rows."""
    total = effects.row(FigureKey(EXCESS_DELAY, REGION))
    assert total is not None
    rated = []
    rows: list[list[str]] = []
    for i, d in enumerate(log.decisions, 1):
        plan = f"{WITHOUT}{i}"
        if plan not in total.differences:
            continue
        diff = total.differences[plan]  # without it minus as played: > 0 when it helped
        what = names(action_of(s, d).describe(s))
        rated.append((diff, f"decision {i} ({s.clock(d.at)}, {d.role}: {what})", plan, i))
        rows.append([str(i), s.clock(d.at), d.role, what, *_effect(diff)])
    sentences: list[dict[str, Any]] = []
    helped = sorted(
        (r for r in rated if r[0].verdict == "worse"),  # removing it makes things worse
        key=lambda r: -(r[0].estimate.value or 0.0),
    )
    if helped:
        diff, words, _, _ = helped[0]
        sentences.append(
            {
                "text": f"The decision that helped most was {words}: without it, total excess "
                f"delay would have been {diff.estimate.value:,.0f} vehicle-hours more.",
                "tone": "better",
            }
        )
        if len(helped) > 1:
            others = [f"decision {i} ({r.estimate.value:,.0f})" for r, _, _, i in helped[1:]]
            sentences.append(
                {
                    "text": f"Also helping, in vehicle-hours saved: {listed(others)}.",
                    "tone": "better",
                }
            )
    for diff, words, _, _ in (r for r in rated if r[0].verdict == "better"):
        sentences.append(
            {
                "text": f"{capital(words)} made things worse: without it, total excess delay "
                f"would have been {abs(diff.estimate.value or 0):,.0f} vehicle-hours less.",
                "tone": "worse",
            }
        )
    unclear = [i for r, _, _, i in rated if r.verdict not in ("better", "worse")]
    if unclear:
        which = listed([str(i) for i in unclear])
        sentences.append(
            {
                "text": f"Decision{'s' if len(unclear) > 1 else ''} {which} made no clear "
                "difference to the total delay on "
                f"{'their' if len(unclear) > 1 else 'its'} own (too small to matter, or not "
                "clear yet).",
                "tone": None,
            }
        )
    # Queues a decision caused somewhere (a clear rise of a plaza's longest queue), even
    # where the decision helped overall: the room should know where the traffic went.
    for _, words, plan, _ in rated:
        for info in effects.context.plazas:
            row = effects.row(FigureKey(MAX_QUEUE_KM, info.place))
            if row is None or plan not in row.differences:
                continue
            q = row.differences[plan]
            e = q.estimate
            if q.verdict == "better" and e.value is not None and abs(e.value) >= 0.5:
                sentences.append(
                    {
                        "text": f"{capital(words)} lengthened the queue at "
                        f"{effects.context.name(info.place)} by {abs(e.value):.1f} km at its "
                        "longest.",
                        "tone": None,
                    }
                )
    if not sentences:
        sentences.append({"text": "No decision was taken.", "tone": None})
    return {"heading": "Each decision", "sentences": sentences}, rows


def _effect(d: Difference) -> list[str]:
    """A decision's effect on total excess delay, and its verdict in words."""
    e = d.estimate
    if e.value is None:
        return ["cannot tell", "cannot tell within the horizon"]
    text = "0 veh-h" if round(e.value) == 0 else f"{e.value:+,.0f} veh-h"
    if e.low is not None and e.high is not None:
        text += f" (95% {e.low:+,.0f} to {e.high:+,.0f})"
    verdict = {
        "worse": "it helped",
        "better": "it made things worse",
        "no practical difference": "too small to matter",
    }.get(d.verdict, "not clear")
    return [text, verdict]
