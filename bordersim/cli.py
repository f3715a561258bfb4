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


def _load(file: str, seed: int | None = None) -> Scenario:
    try:
        scenario = load_scenario(file)
    except ScenarioError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(BAD_INPUT)
    return scenario if seed is None else scenario.model_copy(update={"seed": seed})


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bordersim")
def main() -> None:
    """Simulate land ports of entry on the Canada-US border under emergencies.

    A scenario file (YAML) describes crossings, demand and a disruption (closure,
    surge, reduced staffing, heightened alert, outage). Start with a bundled one:

        bordersim run scenarios/ambassador-baseline.yaml
        bordersim compare scenarios/ambassador-exercise.yaml --reps 10

    Exit codes: 0 ok, 2 bad input, 1 internal error.
    """


def _execution_options(f):
    """Options shared by run and compare: replications and where they run."""
    options = [
        click.option("--seed", type=click.IntRange(min=0),
                     help="Random seed (overrides the file's)."),
        click.option("--reps", type=click.IntRange(min=1),
                     help="Replications [default: the file's 'replications', else 1]."),
        click.option("--jobs", "-j", type=click.IntRange(min=1),
                     help="Local worker processes [default: all cores]."),
        click.option("--scheduler", metavar="ADDRESS",
                     help="Run replications on a Dask cluster, e.g. tcp://10.0.0.5:8786."),
        click.option("--dask-local", type=click.IntRange(min=1), metavar="N",
                     help="Start a local Dask cluster of N workers (to try Dask out)."),
        click.option("--quiet", "-q", is_flag=True,
                     help="No progress bar and no summary table."),
    ]  # fmt: skip
    for option in reversed(options):
        f = option(f)
    return f


def _study(scenario: Scenario, plans, reps, jobs, scheduler, dask_local, vehicles, quiet):
    from .runner import run_study

    console = Console(stderr=True)
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(),
               TextColumn("{task.fields[detail]}"), TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=True, disable=quiet) as bar:
        task = bar.add_task(f"simulating {scenario.name}", total=1.0, detail="")

        def progress(share: float, detail: str) -> None:
            bar.update(task, completed=share, detail=detail)

        try:
            return run_study(scenario, plans, reps, jobs=jobs, scheduler=scheduler,
                             dask_local=dask_local, record_vehicles=vehicles,
                             progress=progress)  # fmt: skip
        except (OSError, TimeoutError) as e:
            if not scheduler:
                raise
            click.echo(f"error: --scheduler {scheduler}: cannot reach the Dask scheduler ({e})",
                       err=True)  # fmt: skip
            sys.exit(BAD_INPUT)
        except RuntimeError as e:
            if "Dask is not installed" not in str(e):
                raise
            click.echo(f"error: {e}", err=True)
            sys.exit(BAD_INPUT)


def _terminal() -> Console:
    console = Console()
    if not console.is_terminal:
        console = Console(width=140)  # logs and pipes: no wrapping of the tables
    return console


def _destination(out: Path | None, default: Path) -> Path:
    dest = out or default
    if dest.exists() and not dest.is_dir():
        click.echo(f"error: --out {dest}: exists and is not a folder", err=True)
        sys.exit(BAD_INPUT)
    return dest


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Results folder [default: results/<scenario name>].",
)
@click.option("--plan", help="Apply this response plan from the file's 'plans'.")
@click.option(
    "--vehicles",
    is_flag=True,
    help="Also write vehicles.csv: one row per vehicle (of the first replication).",
)
@_execution_options
def run(file: str, out: Path | None, plan: str | None, vehicles: bool, seed: int | None,
        reps: int | None, jobs: int | None, scheduler: str | None, dask_local: int | None,
        quiet: bool) -> None:  # fmt: skip
    """Run the scenario in FILE and its baseline; write results and figures.

    The baseline is the same scenario without events, with the same random numbers.
    Results go to results/<scenario name>/: summary.json, timeseries.csv (5-minute
    bins), recovery.png, transit.png, and vehicles.csv with --vehicles. With --reps N
    every figure gets a mean and a 95% confidence interval, and the recovery curves a
    10-90% band; the results are the same whatever --jobs or executor. The folder
    appears only when complete.
    """
    from .report.console import print_summary
    from .report.files import run_summary, write_results

    scenario = _load(file, seed)
    if plan is not None and plan not in scenario.plans:
        _bad_plan(file, plan, scenario)
    dest = _destination(out, Path("results") / scenario.name)
    study = _study(scenario, [plan], reps or scenario.replications, jobs, scheduler, dask_local,
                   vehicles, quiet)  # fmt: skip
    write_results(dest, study, vehicles=vehicles)
    if not quiet:
        print_summary(run_summary(study, study.labels[0]), _terminal())
    click.echo(f"results written to {dest}/ ({len(study.replications)} replication(s) in "
               f"{study.seconds:.2f} s, {study.executor})")  # fmt: skip


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--plans", help="Comma-separated plans to compare, the first as reference "
                              "[default: every plan in the file, in its order].")  # fmt: skip
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Results folder [default: results/<scenario name>/compare].",
)
@_execution_options
def compare(file: str, plans: str | None, out: Path | None, seed: int | None, reps: int | None,
            jobs: int | None, scheduler: str | None, dask_local: int | None,
            quiet: bool) -> None:  # fmt: skip
    """Compare the response plans of the scenario in FILE, side by side.

    Every plan runs on the same replications with common random numbers (the same
    vehicles with the same draws), so each plan's difference to the first plan is
    paired replication by replication and its confidence interval is narrow. Writes
    table.csv, table.json, recovery.png (the plans' recovery curves overlaid) and
    key_figures.png to results/<scenario name>/compare/, and prints the plans ranked by
    total excess delay.
    """
    from .compare import compare as compare_plans
    from .report.console import print_comparison
    from .report.files import write_comparison

    scenario = _load(file, seed)
    names = [p.strip() for p in plans.split(",")] if plans else list(scenario.plans)
    if not names:
        click.echo(f"error: {file}: the scenario has no 'plans' to compare", err=True)
        sys.exit(BAD_INPUT)
    for name in names:
        if name not in scenario.plans:
            _bad_plan(file, name, scenario)
    dest = _destination(out, Path("results") / scenario.name / "compare")
    study = _study(scenario, names, reps or scenario.replications, jobs, scheduler, dask_local,
                   False, quiet)  # fmt: skip
    result = compare_plans(study)
    write_comparison(dest, study, result)
    if not quiet:
        print_comparison(result, _terminal())
    click.echo(f"comparison written to {dest}/ ({len(names)} plans x "
               f"{len(study.replications)} replications in {study.seconds:.2f} s, "
               f"{study.executor})")  # fmt: skip


def _bad_plan(file: str, plan: str, scenario: Scenario) -> None:
    import difflib

    close = difflib.get_close_matches(plan, list(scenario.plans), n=1)
    if close:
        hint = f" (did you mean '{close[0]}'?)"
    elif scenario.plans:
        hint = f" (plans: {', '.join(scenario.plans)})"
    else:
        hint = " (the file has no plans)"
    click.echo(f"error: {file}: no plan '{plan}'{hint}", err=True)
    sys.exit(BAD_INPUT)


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
