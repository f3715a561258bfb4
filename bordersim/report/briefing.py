"""The headline: what happened, in sentences with clock times, and which plan to brief.

A planner reads the top of a report for half a minute. These sentences are what they
should take away, built from the typed results only (so the terminal and the report say
the same thing): per crossing, the longest queue and when, the longest wait, the backlog
when the disruption ended, when it was cleared and when waits were back to normal, the
excess delay and its cost; for a comparison, the plan to brief and by how much, the worst
plan, and the differences too small to matter. Each sentence may carry a tone (better or
worse) that renderings show in colour; the words alone always say it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..results import (
    BACKLOG,
    BETTER,
    BEYOND_STORAGE,
    DELAY_COST,
    DIVERTED,
    EXCESS_DELAY,
    GAVE_UP,
    GAVE_UP_WAIT,
    MAX_QUEUE_KM,
    MAX_QUEUE_VEHICLES,
    NO_PRACTICAL,
    PEAK_QUEUE_AT,
    TIME_TO_CLEAR,
    TIME_TO_RECOVER,
    TRANSIT_MAX,
    WORSE,
    Comparison,
    Context,
    Difference,
    Estimate,
    Figure,
    FigureKey,
    Place,
    Results,
)
from ..units import format_duration
from .formatting import difference, money, when

MAX_PLAZAS_TOLD = 6  # plazas told in full; the others in one sentence (all are in the tables)


@dataclass(frozen=True)
class Sentence:
    text: str
    tone: str | None = None  # "better" or "worse": shown in colour; the words say it too


@dataclass
class Paragraph:
    heading: str
    sentences: list[Sentence] = field(default_factory=list)

    def add(self, text: str, tone: str | None = None) -> None:
        self.sentences.append(Sentence(text, tone))

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


# ---------------------------------------------------------------------------- a run
def run_briefing(r: Results) -> list[Paragraph]:
    """What happened at each disrupted or delayed plaza, then in the whole region."""
    ctx = r.context
    told, rest = _plazas_to_tell(r)
    out = [_plaza_paragraph(r, at) for at in told]
    region = Paragraph("In all" if len(ctx.plazas) > 1 else "Delay")
    delay = r.get(EXCESS_DELAY)
    cost = r.get(DELAY_COST)
    if delay is not None and delay.value is not None:
        words = f"Excess delay over the baseline: {_veh_h(delay.value)}"
        if cost is not None and cost.value is not None:
            words += f", costing {money_words(cost, ctx.currency)}"
        region.add(words + ".")
    gave_up = r.get(GAVE_UP)
    diverted = r.get(DIVERTED)
    moves = []
    if gave_up is not None and (gave_up.value or 0) >= 0.5:
        moves.append(f"{gave_up.value:,.0f} drivers gave up the trip")
    if diverted is not None and (diverted.value or 0) >= 0.5:
        moves.append(f"{diverted.value:,.0f} were diverted to another crossing")
    if moves:
        region.add(capital(" and ".join(moves)) + ".")
    if rest:
        quiet = sum(_total(r.get(EXCESS_DELAY, at)) for at in rest)
        names = ", ".join(ctx.name(at) for at in rest[:4]) + (
            f" and {len(rest) - 4} more" if len(rest) > 4 else ""
        )
        region.add(
            f"Elsewhere ({names}): {_veh_h(quiet)} of excess delay in all"
            + (" (see the tables)." if quiet else ".")
        )
    if r.replications > 1:
        region.add(
            f"Figures are means over {r.replications} replications; times to clear and "
            "to recover are medians."
        )
    return [*out, region]


def _plazas_to_tell(r: Results) -> tuple[list[Place], list[Place]]:
    """Disrupted or delayed plazas, most delayed first (at most MAX_PLAZAS_TOLD), and the
    others."""
    ctx = r.context
    ordered = r.plazas_by_delay()
    worst = max((_total(r.get(EXCESS_DELAY, at)) for at in ordered), default=0.0)
    told = [
        at
        for at in ordered
        if (info := ctx.plaza(at)) is not None
        and (info.disruption is not None or _total(r.get(EXCESS_DELAY, at)) > 0.05 * worst > 0)
    ][:MAX_PLAZAS_TOLD]
    return told, [at for at in ordered if at not in told]


def _plaza_paragraph(r: Results, at: Place) -> Paragraph:
    ctx = r.context
    info = ctx.plaza(at)
    assert info is not None
    p = Paragraph(ctx.name(at))
    if info.disruption is not None:
        start, end = info.disruption
        what = info.what or "disruption"
        p.add(f"{capital(what)} {span(ctx, start, end)}.")
    p.add(_queue_sentence(r, at, info.storage_km))
    longest = r.get(TRANSIT_MAX, at)
    if longest is not None and longest.value is not None:
        p.add(
            f"The longest transit (queue and inspection) was {format_duration(longest.value * 60)}."
        )
    if info.disruption is not None:
        for s in _recovery_sentences(r, at, info.disruption[1]):
            p.add(s)
    delay = r.get(EXCESS_DELAY, at)
    if delay is not None and delay.value is not None:
        words = f"Excess delay: {_veh_h(delay.value)}"
        cost = r.get(DELAY_COST, at)
        if cost is not None and cost.value is not None:
            words += f" ({money_words(cost, ctx.currency)})"
        p.add(words + ".")
    gave_up, waited = r.get(GAVE_UP, at), r.get(GAVE_UP_WAIT, at)
    if gave_up is not None and (gave_up.value or 0) >= 0.5:
        words = f"{gave_up.value:,.0f} drivers gave up"
        if waited is not None and waited.value is not None:
            words += f" after waiting {format_duration(waited.value * 60)} on average"
        p.add(words + "; their waits are not in the transit times.", WORSE)
    return p


def _queue_sentence(r: Results, at: Place, storage_km: float | None) -> str:
    km, veh, peak = r.get(MAX_QUEUE_KM, at), r.get(MAX_QUEUE_VEHICLES, at), r.get(PEAK_QUEUE_AT, at)
    if km is None or km.value is None or km.value < 0.05:
        return "There was no queue to speak of."
    text = f"The queue peaked at {km.value:,.1f} km"
    if veh is not None and veh.value is not None:
        text += f" ({veh.value:,.0f} vehicles)"
    if peak is not None and peak.value is not None:
        text += f" around {when(r.context, _five_minutes(peak.value))}"
    beyond = r.get(BEYOND_STORAGE, at)
    if storage_km and beyond is not None and (beyond.value or 0) > 0:
        text += (
            f"; it reached past the {storage_km:g} km approach for "
            f"{format_duration(beyond.value * 60)}"
        )
    return text + "."


def _recovery_sentences(r: Results, at: Place, end: float) -> list[str]:
    ctx = r.context
    out = []
    backlog, clear = r.get(BACKLOG, at), r.get(TIME_TO_CLEAR, at)
    if backlog is not None and backlog.value is not None:
        waiting = (
            f"{backlog.value:,.0f} vehicles were" if backlog.value >= 0.5 else "no vehicle was"
        )
        text = f"When it ended, {waiting} waiting"
        if clear is not None and backlog.value >= 0.5:
            text += "; " + _after(ctx, clear, end, "they were cleared", "not cleared")
        out.append(text + ".")
    elif end >= ctx.horizon_h:
        out.append("It lasted to the end of the run.")
    rec = r.get(TIME_TO_RECOVER, at)
    if rec is not None:
        out.append(
            capital(_after(ctx, rec, end, "waits were back to normal", "not back to normal")) + "."
        )
    return out


def _after(ctx: Context, f: Figure, end: float, done: str, not_done: str) -> str:
    """``they were cleared by Wed 01:20 (9h 20min after)``, or that it was not within the
    horizon and in how many replications."""
    e = f.estimate
    if e.value is None:
        many = f" in {e.missing} of {e.total} replications" if e.total > 1 else ""
        return (
            f"{done.split(' were ')[0]} were {not_done} by the end of the run "
            f"({when(ctx, ctx.horizon_h)}){many}"
        )
    if e.value * 3600 < 30:
        text = f"{done} as soon as it ended"
    else:
        text = f"{done} by {when(ctx, end + e.value)} ({format_duration(e.value * 3600)} after)"
    if e.missing:
        text += f", but not within the horizon in {e.missing} of {e.total} replications"
    return text


# ---------------------------------------------------------------------------- a comparison
def compare_briefing(c: Comparison) -> list[Paragraph]:
    """The plan to brief and by how much, the worse plans, what changes nothing or too
    little to matter, and what the disruption does under the reference."""
    ref = c.reference
    ranked = c.row(c.ranked_by)
    assert ranked is not None
    ranking = c.ranking
    best = ranking[0]
    verdict = {p: d.verdict for p, d in ranked.differences.items()}
    better = [p for p in ranking if verdict.get(p) == BETTER]
    out = [_recommendation(c, ranked, best, better)]

    worse = [p for p in ranking if verdict.get(p) == WORSE]
    if worse:
        bad = Paragraph(f"Worse than '{ref}'")
        for plan in reversed(worse):
            words = f"'{plan}' adds {_saving(ranked.differences[plan])} of excess delay"
            stuck = _not_recovered(c, plan)
            if stuck:
                words += "; " + stuck
            bad.add(words + ".", WORSE)
        out.append(bad)

    nothing = Paragraph("Changes nothing, or too little to matter")
    for plan, other in c.same_as.items():
        nothing.add(
            f"'{plan}' gives exactly the results of '{other}' in every replication: it "
            "changes nothing in this scenario."
        )
    same = [p for p in ranking if verdict.get(p) == NO_PRACTICAL and p not in c.same_as]
    if same:
        names = ", ".join(f"'{p}'" for p in same)
        nothing.add(
            f"{names} {'makes' if len(same) == 1 else 'make'} no practical difference to "
            f"total excess delay (the whole 95% interval within {c.practical:.0%} of '{ref}')."
        )
    for plan, keys in c.unchanged.items():
        places = [c.context.name(info.place) for info in c.context.plazas if info.place.key in keys]
        if places and len(places) < len(c.context.plazas):
            nothing.add(
                f"'{plan}' leaves {listed(places)} exactly as under '{ref}' in every "
                "replication: it changes nothing there."
            )
    if nothing.sentences:
        out.append(nothing)

    unclear = [
        p for p in ranking if p in verdict and verdict[p] not in (BETTER, WORSE, NO_PRACTICAL)
    ]
    unclear = [p for p in unclear if p not in c.same_as]
    if unclear:
        open_ = Paragraph("Not clear yet")
        for plan in unclear:
            text, _ = difference(ranked.differences[plan], c.ranked_by.measure)
            open_.add(
                f"'{plan}' differs from '{ref}' by {text.rsplit(' not clear', 1)[0]}: "
                f"{c.replications} replications cannot tell whether it matters; run more."
            )
        out.append(open_)

    situation = _situation(c)
    if situation.sentences:
        out.append(situation)
    return out


def _recommendation(c: Comparison, ranked, best: str, better: list[str]) -> Paragraph:
    ref = c.reference
    rec = Paragraph("Recommended")
    d_best = ranked.differences.get(best)
    if best not in better or d_best is None:
        rec.add(
            f"No plan does clearly better than '{ref}' on total excess delay "
            f"({_veh_h(ranked.by_plan[ref].value)} under '{ref}')."
        )
        if best != ref and d_best is not None:
            text, _ = difference(d_best, c.ranked_by.measure)
            rec.add(f"The lowest, '{best}', differs by {text}.")
        return rec
    rec.add(
        f"Brief '{best}': it cuts total excess delay by {_saving(d_best)} against "
        f"'{ref}', to {_veh_h(ranked.by_plan[best].value)} from "
        f"{_veh_h(ranked.by_plan[ref].value)}.",
        BETTER,
    )
    for line in _recovery_gains(c, best):
        rec.add(line)
    gave_up = c.row(FigureKey(GAVE_UP))
    if gave_up is not None:
        mine, theirs = gave_up.by_plan[best].value or 0.0, gave_up.by_plan[ref].value or 0.0
        if max(mine, theirs) >= 0.5:
            rec.add(
                f"{mine:,.0f} drivers give up the trip under it, against {theirs:,.0f} under "
                f"'{ref}' (lost trips are not in the excess delay).",
                WORSE if mine > theirs * 1.05 else None,
            )
    others = [p for p in better if p != best]
    if not others:
        rec.add(f"It is the only plan clearly better than '{ref}'.")
    elif c.runner_up is not None and c.ranking[1] == others[0]:
        second = others[0]
        if c.runner_up.verdict == BETTER:
            rec.add(f"It is also clearly ahead of the next best, '{second}'.")
        else:
            rec.add(
                f"'{second}', also better than '{ref}', is not clearly behind it over "
                f"{c.replications} replications: either could be briefed, or run more "
                "replications to tell them apart."
            )
    return rec


def _recovery_gains(c: Comparison, plan: str) -> list[str]:
    """Where the plan brings waits back to normal sooner (or at all), at most two plazas,
    the largest gains first; nothing said of plazas where it makes no difference."""
    gains: list[tuple[float, str]] = []
    ref = c.reference
    for info in c.context.plazas:
        row = c.row(FigureKey(TIME_TO_RECOVER, info.place))
        if row is None:
            continue
        mine, theirs = row.by_plan[plan], row.by_plan[ref]
        name = c.context.name(info.place)
        if mine.value is not None and theirs.value is not None:
            gap = theirs.value - mine.value
            if gap * 60 >= 15:
                gains.append(
                    (
                        gap,
                        f"At {name}, waits are back to normal {format_duration(gap * 3600)} "
                        f"sooner ({_dur(mine)} after the disruption ends, against {_dur(theirs)}).",
                    )
                )
        elif mine.value is not None and theirs.value is None:
            gains.append(
                (
                    float("inf"),
                    f"At {name}, waits are back to normal {_dur(mine)} after the disruption "
                    f"ends; under '{ref}' not by the end of the run.",
                )
            )
    return [text for _, text in sorted(gains, key=lambda g: -g[0])[:2]]


def _not_recovered(c: Comparison, plan: str) -> str:
    """Plazas the plan leaves not back to normal by the end of the run, in words."""
    stuck = []
    for info in c.context.plazas:
        f = c.get(FigureKey(TIME_TO_RECOVER, info.place), plan)
        if f is not None and f.value is None and f.estimate.missing:
            stuck.append(
                f"{c.context.name(info.place)} not back to normal by the end of the run in "
                f"{f.estimate.missing} of {f.estimate.total} replications"
            )
    return "; ".join(stuck[:2])


def _situation(c: Comparison) -> Paragraph:
    """What the disruption does under the reference plan, at the (at most three) most
    delayed disrupted plazas: queues are often alike in both directions, so one plaza
    alone would be picked on a tie."""
    ctx = c.context
    ref = c.reference
    delay = {
        r.key.place: r.by_plan[ref].value or 0.0
        for r in c.rows
        if r.key.measure == EXCESS_DELAY and r.key.place.is_plaza
    }
    hit = [
        info.place
        for info in sorted(ctx.plazas, key=lambda i: -delay.get(i.place, 0.0))
        if info.disruption is not None
    ][:3]
    p = Paragraph(f"Under '{ref}'")
    for at in hit:
        info = ctx.plaza(at)
        assert info is not None and info.disruption is not None
        start, end = info.disruption
        text = f"{ctx.name(at)}: {info.what or 'disruption'} {span(ctx, start, end)}"
        km = c.get(FigureKey(MAX_QUEUE_KM, at), ref)
        peak = c.get(FigureKey(PEAK_QUEUE_AT, at), ref)
        if km is not None and km.value is not None and km.value >= 0.05:
            text += f"; the queue peaks at {km.value:,.1f} km"
            if peak is not None and peak.value is not None:
                text += f" around {when(ctx, _five_minutes(peak.value))}"
        longest = c.get(FigureKey(TRANSIT_MAX, at), ref)
        if longest is not None and longest.value is not None:
            text += f"; the longest transit is {format_duration(longest.value * 60)}"
        p.add(text + ".")
    return p


def listed(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# ---------------------------------------------------------------------------- glossary
GLOSSARY = [
    (
        "baseline",
        "the same scenario without the disruption, run on the same random numbers (the "
        "same vehicles): what a normal day looks like. Every 'excess' and 'back to normal' "
        "is measured against it.",
    ),
    (
        "transit time, wait",
        "from arriving at the back of the queue to leaving the plaza: waiting, primary "
        "inspection and, for some, secondary. Counted for vehicles that arrive after the "
        "warm-up and cross; drivers who gave up are counted apart.",
    ),
    (
        "excess delay",
        "vehicle-hours spent at the plaza above the baseline, for all vehicles of the run; "
        "its cost uses each class's value of time. The waits of drivers who gave up count; "
        "the trips they gave up do not: read the number who gave up beside it.",
    ),
    ("backlog", "vehicles waiting when the disruption ends."),
    (
        "time to clear",
        "from the end of the disruption until the queue is back within 10% of the baseline's.",
    ),
    (
        "time to recover (back to normal)",
        "from the end of the disruption until the transit time of arriving vehicles stays "
        "within 10% (or 5 minutes) of the baseline's for an hour. A plaza that never does "
        "within the run is 'not within the horizon': shown as such, never as a number.",
    ),
    (
        "replication",
        "one run with its own random numbers. Figures are means over replications with a "
        "95% interval (±); times to clear and to recover are medians, counting runs that "
        "did not recover as beyond the horizon.",
    ),
    (
        "better, worse, no practical difference",
        "a plan against the reference, paired replication by replication: better or worse "
        "when the 95% interval of the difference excludes zero and the difference is over "
        "the practical threshold (5% of the reference unless set); no practical difference "
        "when the whole interval is within the threshold; otherwise not clear.",
    ),
    ("gave up", "drivers who left the queue without crossing, after waiting past their patience."),
    ("diverted", "drivers sent, or choosing, to cross elsewhere."),
]


# ---------------------------------------------------------------------------- helpers
def _total(f: Figure | None) -> float:
    return 0.0 if f is None else f.value or 0.0


def _veh_h(x: float | None) -> str:
    return "unknown" if x is None else f"{x:,.0f} vehicle-hours"


def _saving(d: Difference) -> str:
    """``18,560 vehicle-hours (29%; 95% interval 17,954 to 19,166)``, sign dropped: the
    sentence says which way."""
    e = d.estimate
    text = _veh_h(abs(e.value or 0.0))
    extra = []
    if d.relative is not None:
        extra.append(f"{abs(d.relative):.0%}")
    if e.low is not None and e.high is not None:
        lo, hi = sorted((abs(e.low), abs(e.high)))
        extra.append(f"95% interval {lo:,.0f} to {hi:,.0f}")
    return text + (f" ({'; '.join(extra)})" if extra else "")


def _five_minutes(h: float) -> float:
    return round(h * 12) / 12


def span(ctx: Context, start: float, end: float) -> str:
    """``from Tue 10 Jun 10:00 to 16:00`` (the day once when it is the same)."""
    if not ctx.start:
        return (
            f"from {format_duration(start * 3600)} to {format_duration(end * 3600)} after the start"
        )
    a, b = when(ctx, start), when(ctx, end)
    if a[:-5] == b[:-5]:
        b = b[-5:]
    return f"from {a} to {b}"


def _dur(f: Figure) -> str:
    return format_duration((f.value or 0.0) * 3600)


def money_words(f: Figure, currency: str | None) -> str:
    return money(Figure(f.key, Estimate(f.value)), currency)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
