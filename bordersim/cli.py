"""The ``bordersim`` command line. Thin: it reads options and calls the package.

Exit codes: 0 success, 2 bad input (scenario file or options), 1 internal error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from .scenario import Scenario, ScenarioError, load_scenario
from .units import format_duration

BAD_INPUT = 2


def _load(file: str) -> Scenario:
    try:
        return load_scenario(file)
    except ScenarioError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(BAD_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bordersim")
def main() -> None:
    """Simulate land ports of entry on the Canada-US border under emergencies.

    A scenario file (YAML) describes crossings, demand and a disruption (closure,
    surge, reduced staffing, heightened alert, outage). Start with a bundled one:

        bordersim run scenarios/ambassador-baseline.yaml

    Exit codes: 0 ok, 2 bad input, 1 internal error.
    """


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--seed", type=click.IntRange(min=0), help="Random seed (overrides the file's).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Results folder [default: results/<scenario name>].",
)
@click.option("--vehicles", is_flag=True, help="Also write vehicles.csv, one row per vehicle.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary table.")
def run(file: str, seed: int | None, out: Path | None, vehicles: bool, quiet: bool) -> None:
    """Run the scenario in FILE and its baseline; write results and figures.

    The baseline is the same scenario without events, with the same random numbers.
    Results go to results/<scenario name>/: summary.json, timeseries.csv (5-minute
    bins), recovery.png, transit.png, and vehicles.csv with --vehicles. The folder
    appears only when complete.
    """
    from .report.console import print_summary
    from .report.files import write_results
    from .runner import run_scenario

    scenario = _load(file)
    dest = out or Path("results") / scenario.name
    if dest.exists() and not dest.is_dir():
        click.echo(f"error: --out {dest}: exists and is not a folder", err=True)
        sys.exit(BAD_INPUT)
    console = Console(stderr=True)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[simulated]}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=quiet,
    ) as bar:
        task = bar.add_task(f"simulating {scenario.name}", total=1.0, simulated="")

        horizon = format_duration(scenario.horizon)

        def progress(phase: str, done: float, share: float) -> None:
            simulated = f"{phase}: {format_duration(done)} of {horizon}"
            bar.update(task, completed=share, simulated=simulated)

        outcome = run_scenario(scenario, seed=seed, record_vehicles=vehicles, progress=progress)
    write_results(dest, outcome, vehicles=vehicles)
    if not quiet:
        out_console = Console()
        if not out_console.is_terminal:
            out_console = Console(width=140)  # logs and pipes: no wrapping of the table
        print_summary(outcome.summary, out_console)
    click.echo(f"results written to {dest}/ (simulated in {outcome.seconds:.2f} s)")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
def validate(file: str) -> None:
    """Check the scenario in FILE without running it.

    Prints what the file sets up, or one line naming the file, line and field of the
    first problem (exit code 2).
    """
    s = _load(file)
    plazas = list(s.plazas())
    booths = sum(g.booths for _, _, p in plazas for g in p.lane_groups.values())
    daily = sum(sum(d.daily.values()) for d in s.demand.values())
    click.echo(
        f"ok: {file}: scenario '{s.name}', {len(s.crossings)} crossing(s), {len(plazas)} "
        f"plaza(s), {booths} primary booths, {daily:,.0f} vehicles/day, {len(s.events)} "
        f"event(s), horizon {format_duration(s.horizon)}"
    )


if __name__ == "__main__":
    main()
