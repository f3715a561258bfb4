"""How live an exercise feels: the room's waits, on the bundled Detroit-Windsor exercise.

    python benchmarks/exercise_forecast.py [--jobs N] [--repeat 3]

Prints, at each of the first decision points (medians of ``--repeat``): the situation
built from the start (as after a decision or a resume), the page's state, a forecast 12 h
ahead with 10 replications (forked from the situation now), and a preview of a decision
(the same forecast with and without it, the model rebuilt with it), from cold and just
after a forecast (whose futures it reuses). Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bordersim.exercise.session import Session
from bordersim.runner import default_jobs
from bordersim.scenario import read_scenario
from bordersim.scenario.bundled import find


def timed(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=default_jobs())
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    s, text = read_scenario(find("detroit-blockade-exercise"))
    session = Session(s, text, save=lambda log: None, jobs=args.jobs)
    decision = (
        "transport",
        {
            "type": "divert",
            "from": "ambassador.into_canada",
            "to": ["gordie_howe.into_canada", "bluewater.into_canada"],
            "classes": ["truck", "truck_fast"],
            "mode": "mandatory",
        },
    )
    print(f"detroit-blockade-exercise, {args.jobs} worker(s), medians of {args.repeat}")
    print(
        f"{'clock':<18}{'rebuild':>9}{'state':>8}{'forecast 12 h x10':>19}{'preview':>9}"
        f"{'after forecast':>17}"
    )
    for _ in range(4):

        def rebuild() -> None:
            session._model = None
            session.model()

        build = timed(rebuild, args.repeat)
        state = timed(session.state, args.repeat)

        def cold(work):
            def run() -> None:
                session._forecast = None  # no forecast kept from before
                work()

            return run

        ahead = timed(cold(lambda: session.forecast(12, 10)), args.repeat)
        preview = timed(cold(lambda: session.preview(*decision, 12, 10)), args.repeat)
        session.forecast(12, 10)
        after = timed(lambda: session.preview(*decision, 12, 10), args.repeat)
        print(
            f"{s.clock(session.now):<18}{build:>8.2f}s{state:>7.2f}s{ahead:>18.2f}s"
            f"{preview:>8.2f}s{after:>16.2f}s"
        )
        if session.next_point() is None:
            break
        session.advance()


if __name__ == "__main__":
    main()
