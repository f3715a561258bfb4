"""A phased reopening: capacity and tiers restored in steps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ...units import format_duration
from ..errors import Path_, Problem
from ..events.closure import Closure
from ..events.staffing import Staffing
from ..fields import Duration, StrictModel
from ..items import Item, TimedAction


class Step(StrictModel):
    """One step of a phased reopening, ``after`` the reopening starts."""

    after: Duration
    """Time after the reopening starts when this step begins."""
    fraction: Annotated[float, Field(gt=0, le=1)] = 1.0
    """Share of the booths open in this step."""
    tiers: Annotated[int, Field(ge=1, le=3)] = 3
    """Tiers admitted: 1 national priority, 2 and trusted travellers, 3 everyone."""


class PhasedReopening(TimedAction):
    """Capacity restored in steps: each step opens a fraction of the booths to tiers up to
    ``tiers`` (1 national priority, 2 trusted, 3 everyone), until the next step."""

    example: ClassVar[str] = (
        "{type: phased_reopening, where: a, start: 4h, "
        "steps: [{after: 0s, fraction: 0.5, tiers: 2}, {after: 1h}]}"
    )

    type: Literal["phased_reopening"]
    """The type of this item: phased_reopening."""
    steps: Annotated[list[Step], Field(min_length=1)]
    """The steps, in order of after."""

    def expand(self, s) -> list[Item]:
        """The same staffing fractions and closures (of the tiers not yet admitted) as
        events would give, one per step; closed until the first step."""
        out: list[Item] = []
        classes = s.vehicle_classes()
        end = s.horizon if self.end is None else self.end
        bounds = [self.start + st.after for st in self.steps] + [end]

        def closure(start: float, end: float, classes: list[str] | None) -> Closure:
            return Closure.model_construct(
                type="closure", where=self.where, start=start, end=end, classes=classes, note=""
            )

        for st, t0, t1 in zip(self.steps, bounds, bounds[1:], strict=False):
            if t1 <= t0:
                continue
            if st.fraction < 1:
                out.append(
                    Staffing.model_construct(
                        type="staffing",
                        where=self.where,
                        start=t0,
                        end=t1,
                        fraction=st.fraction,
                        open=None,
                        classes=None,
                        note="",
                    )
                )
            waiting = [c for c, vc in classes.items() if vc.tier > st.tiers]
            if waiting:
                out.append(closure(t0, t1, waiting))
        if self.steps[0].after > 0:  # closed until the first step, from its start (even 0)
            out.append(closure(self.start, self.start + self.steps[0].after, None))
        return out

    def check(self, s, path: Path_, classes) -> Iterator[Problem]:
        yield from super().check(s, path, classes)
        afters = [st.after for st in self.steps]
        if any(b <= x for x, b in zip(afters, afters[1:], strict=False)):
            yield (*path, "steps"), "steps must come in order of 'after'"

    def describe(self, s) -> str:
        def tiers(n: int) -> str:
            return "tier 1" if n == 1 else f"tiers 1-{n}" if n < 3 else "everyone"

        steps = "; ".join(
            f"{'at once' if st.after == 0 else 'after ' + format_duration(st.after)}: "
            f"{st.fraction:.0%} of booths, {tiers(st.tiers)}"
            for st in self.steps
        )
        return f"phased reopening of {self.where}: {steps}"
