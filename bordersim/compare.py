"""Response plans side by side, on common random numbers.

Every plan of a study ran on the same replications: replication r of each plan saw
the same vehicles with the same service, referral and patience draws. So a paired
difference (plan minus the first plan, replication by replication) removes most of the
noise the plans share, and its confidence interval is much narrower than comparing
independent runs would give. A difference is **clear** when its 95% interval excludes
zero; it is **better** or **worse** (by which way the figure is better) when it is clear
and larger than a practical share of the reference's value (5% unless told otherwise),
and makes **no practical difference** when its whole interval lies within that share,
clear or not; anything else is **not clear** (more replications would tell).

Plans are ranked by total excess delay (vehicle-hours above baseline), lowest first.
"""

from __future__ import annotations

from .metrics import context
from .results import (
    BACKLOG,
    DELAY_COST,
    EXCESS_DELAY,
    GAVE_UP,
    MAX_QUEUE_KM,
    PEAK_QUEUE_AT,
    PRACTICAL_SHARE,
    REGION,
    RELEASED,
    TIME_TO_CLEAR,
    TIME_TO_RECOVER,
    TRANSIT_MAX,
    TRANSIT_MEAN,
    TRANSIT_P95,
    Compared,
    Comparison,
    Difference,
    Figure,
    FigureKey,
    Results,
    estimate,
)
from .runner import Study

RANK_BY = FigureKey(EXCESS_DELAY, REGION)


def compared_keys(results: Results) -> list[FigureKey]:
    """The figures compared, in the order of the table: each plaza's, then the totals."""
    keys: list[FigureKey] = []
    for info in results.context.plazas:
        at = info.place
        keys += [FigureKey(TRANSIT_MEAN, at), FigureKey(TRANSIT_P95, at)]
        keys += [FigureKey(TRANSIT_MEAN, at, cls) for cls in results.classes_at(at)]
        keys += [FigureKey(TRANSIT_MAX, at), FigureKey(MAX_QUEUE_KM, at)]
        keys += [FigureKey(PEAK_QUEUE_AT, at), FigureKey(EXCESS_DELAY, at)]
        if info.disruption is not None:
            keys += [FigureKey(m, at) for m in (BACKLOG, TIME_TO_CLEAR, TIME_TO_RECOVER)]
    keys.append(RANK_BY)
    if results.get(DELAY_COST) is not None:
        keys.append(FigureKey(DELAY_COST))
    keys += [FigureKey(RELEASED), FigureKey(GAVE_UP)]
    return keys


def compare(
    study: Study, practical: float = PRACTICAL_SHARE, labels: list[str] | None = None
) -> Comparison:
    """Each compared figure under every plan, with the paired difference to the first.

    A difference under ``practical`` (a share) of the reference's value is said to make
    no practical difference, even when it is statistically clear. The best plan is also
    compared with the runner-up, so the briefing can say whether the choice is clear.
    ``labels`` compares some of the study's plans (the first as reference); all if unset.
    """
    labels = study.labels if labels is None else labels
    first = labels[0]
    ctx = context(study.scenario)
    tables = {label: (study.tables[label].keys, study.tables[label].matrix()) for label in labels}

    def column(label: str, key: FigureKey) -> list[float | None]:
        """A figure's value in each replication under a plan (None: none)."""
        keys, matrix = tables[label]
        j = keys.get(key)
        if j is None:
            return [None] * matrix.shape[0]
        return [None if v != v else v for v in matrix[:, j].tolist()]  # NaN: none

    reference = study.results(first)
    rows = []
    for key in compared_keys(reference):
        ref = column(first, key)
        row = Compared(key, {})
        for label in labels:
            values = column(label, key)
            row.by_plan[label] = Figure(key, estimate(key, ctx, values), tuple(values))
        beyond = row.by_plan[first].estimate.beyond
        for label in labels[1:]:
            values = list(row.by_plan[label].values or ())
            row.differences[label] = Difference.of(
                ref, values, key.measure.better, practical, beyond
            )
        rows.append(row)
    result = Comparison(ctx, labels, len(study.replications), RANK_BY, rows, practical)
    acts_at = {
        label: {
            f"{c}.{d}"
            for a in study.scenario.plans.get(label, [])
            if a.place is not None  # region-wide actions (posted waits) act everywhere
            for c, d, _ in study.scenario.plazas()
            if a.covers(c, d)
        }
        for label in labels
    }
    result.same_as, result.unchanged = _identical(rows, labels, acts_at)
    ranking = result.ranking
    if len(ranking) > 1:
        best, second = ranking[:2]
        result.runner_up = Difference.of(
            column(second, RANK_BY), column(best, RANK_BY), RANK_BY.measure.better, practical
        )
    return result


def _identical(
    rows: list[Compared], plans: list[str], acts_at: dict[str, set[str]]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Plans with exactly another plan's results in every replication: on every compared
    figure (plan -> the first such plan), and, against the reference, at the plazas where
    the plan acts (plan -> plazas it acts at and leaves exactly as the reference). A
    planner must hear that an action changed nothing, not read a tie as a verdict."""
    same_as: dict[str, str] = {}
    for i, plan in enumerate(plans):
        for other in plans[:i]:
            if other not in same_as and all(
                r.by_plan[plan].values == r.by_plan[other].values for r in rows
            ):
                same_as[plan] = other
                break
    unchanged: dict[str, list[str]] = {}
    ref = plans[0]
    places = list(dict.fromkeys(r.key.place for r in rows if r.key.place.is_plaza))
    for plan in plans[1:]:
        if plan in same_as:
            continue
        here = [
            at.key
            for at in places
            if at.key in acts_at.get(plan, set())
            and all(
                r.by_plan[plan].values == r.by_plan[ref].values for r in rows if r.key.place == at
            )
        ]
        if here:
            unchanged[plan] = here
    return same_as, unchanged
