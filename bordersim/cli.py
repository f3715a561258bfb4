"""The ``bordersim`` command line. Thin: it reads options and calls the package.

Exit codes: 0 success, 2 bad input (scenario file or options), 1 internal error.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from .scenario import Scenario, ScenarioError, load_scenario
from .units import format_duration

BAD_INPUT = 2
INTERNAL_ERROR = 1
INTERRUPTED = 130  # as a shell reports Ctrl-C
BUNDLED = Path(__file__).resolve().parent.parent / "scenarios"


class _Commands(click.Group):
    """Unexpected exceptions are bugs: one line, details in a file, exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted: stopped cleanly, no results written", err=True)
            sys.exit(INTERRUPTED)
        except Exception as e:  # noqa: BLE001 - the last line of defence
            import tempfile
            import traceback

            with tempfile.NamedTemporaryFile("w", prefix="bordersim-error-", suffix=".txt",
                                             delete=False) as f:  # fmt: skip
                traceback.print_exc(file=f)
            click.echo(f"internal error: {type(e).__name__}: {e} (a bug: please report it with "
                       f"the scenario file; details in {f.name})", err=True)  # fmt: skip
            sys.exit(INTERNAL_ERROR)


def _load(file: str, seed: int | None = None, as_json: bool = False) -> Scenario:
    try:
        scenario = load_scenario(file)
    except ScenarioError as e:
        if as_json:
            _json({"ok": False, "error": str(e), "file": e.file, "line": e.line,
                   "field": e.field, "message": e.message})  # fmt: skip
        click.echo(f"error: {e}", err=True)
        sys.exit(BAD_INPUT)
    return scenario if seed is None else scenario.model_copy(update={"seed": seed})


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bordersim")
def main() -> None:
    """Simulate land ports of entry on the Canada-US border under emergencies.

    A scenario file (YAML) describes crossings, demand and a disruption (closure,
    surge, reduced staffing, heightened alert, outage). Start with a bundled one:

        bordersim run scenarios/ambassador-baseline.yaml
        bordersim compare scenarios/ambassador-exercise.yaml --reps 10

    Exit codes: 0 ok, 2 bad input, 1 internal error.
    """
    signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum, frame) -> None:
    """SIGTERM stops a run the way Ctrl-C does: cleanly, with nothing half-written."""
    raise KeyboardInterrupt


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
        click.option("--json", "as_json", is_flag=True,
                     help="Print the result as JSON on stdout (for scripts); implies --quiet."),
        click.option("--resume", is_flag=True,
                     help="Continue an interrupted study from the replications it saved."),
    ]  # fmt: skip
    for option in reversed(options):
        f = option(f)
    return f


def _study(scenario: Scenario, plans, reps, jobs, scheduler, dask_local, vehicles, quiet,
           dest: Path, resume: bool):  # fmt: skip
    from .runner import Checkpoints, run_study

    saved = Checkpoints(dest.parent / f".{dest.name}.partial", scenario, plans, vehicles=vehicles)

    console = Console(stderr=True)
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(),
               TextColumn("{task.fields[detail]}"), TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=True, disable=quiet) as bar:
        task = bar.add_task(f"simulating {scenario.name}", total=1.0, detail="")

        def progress(share: float, detail: str) -> None:
            bar.update(task, completed=share, detail=detail)

        try:
            study = run_study(scenario, plans, reps, jobs=jobs, scheduler=scheduler,
                              dask_local=dask_local, record_vehicles=vehicles,
                              progress=progress, checkpoints=saved, resume=resume)  # fmt: skip
            study.checkpoints = saved  # cleared once the results are written
            return study
        except KeyboardInterrupt:
            bar.stop()
            click.echo(f"interrupted: stopped cleanly, no results written; {saved.count()} of "
                       f"{reps} replications are saved: run the same command with --resume "
                       "to continue", err=True)  # fmt: skip
            sys.exit(INTERRUPTED)
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
        quiet: bool, as_json: bool, resume: bool) -> None:  # fmt: skip
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

    scenario = _load(file, seed, as_json)
    quiet = quiet or as_json
    if plan is not None and plan not in scenario.plans:
        _bad_plan(file, plan, scenario, as_json)
    dest = _destination(out, Path("results") / scenario.name)
    study = _study(scenario, [plan], reps or scenario.replications, jobs, scheduler, dask_local,
                   vehicles, quiet, dest, resume)  # fmt: skip
    write_results(dest, study, vehicles=vehicles, source=_source(file))
    study.checkpoints.clear()
    summary = run_summary(study, study.labels[0])
    if as_json:
        _json({"ok": True, "results": str(dest), "summary": summary})
        return
    if not quiet:
        print_summary(summary, _terminal())
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
            quiet: bool, as_json: bool, resume: bool) -> None:  # fmt: skip
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

    scenario = _load(file, seed, as_json)
    quiet = quiet or as_json
    names = [p.strip() for p in plans.split(",")] if plans else list(scenario.plans)
    if not names:
        _fail(f"{file}: the scenario has no 'plans' to compare", as_json)
    for name in names:
        if name not in scenario.plans:
            _bad_plan(file, name, scenario, as_json)
    dest = _destination(out, Path("results") / scenario.name / "compare")
    study = _study(scenario, names, reps or scenario.replications, jobs, scheduler, dask_local,
                   False, quiet, dest, resume)  # fmt: skip
    result = compare_plans(study)
    write_comparison(dest, study, result, source=_source(file))
    study.checkpoints.clear()
    if as_json:
        _json({"ok": True, "results": str(dest), "comparison": result})
        return
    if not quiet:
        print_comparison(result, _terminal())
    click.echo(f"comparison written to {dest}/ ({len(names)} plans x "
               f"{len(study.replications)} replications in {study.seconds:.2f} s, "
               f"{study.executor})")  # fmt: skip


def _json(data) -> None:
    import json

    click.echo(json.dumps(data, indent=2, default=str))


def _source(file: str) -> str:
    return Path(file).read_text(encoding="utf-8")


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def report(folder: Path) -> None:
    """Rebuild report.html in a results FOLDER from its saved results, without re-running.

    FOLDER is what run or compare wrote, e.g. results/ambassador-closure or
    results/ambassador-exercise/compare.
    """
    from .report.html import is_results_folder, write_report

    if not folder.is_dir() or not is_results_folder(folder):
        click.echo(f"error: {folder}: not a results folder (no summary.json or table.json)",
                   err=True)  # fmt: skip
        sys.exit(BAD_INPUT)
    path = write_report(folder)
    click.echo(f"report written to {path}")


def _fail(message: str, as_json: bool = False) -> None:
    """Bad input that is not in the file (an option): one line, exit code 2."""
    if as_json:
        _json({"ok": False, "error": message})
    click.echo(f"error: {message}", err=True)
    sys.exit(BAD_INPUT)


def _bad_plan(file: str, plan: str, scenario: Scenario, as_json: bool = False) -> None:
    import difflib

    close = difflib.get_close_matches(plan, list(scenario.plans), n=1)
    if close:
        hint = f" (did you mean '{close[0]}'?)"
    elif scenario.plans:
        hint = f" (plans: {', '.join(scenario.plans)})"
    else:
        hint = " (the file has no plans)"
    _fail(f"{file}: no plan '{plan}'{hint}", as_json)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
def validate(file: str, as_json: bool) -> None:
    """Check the scenario in FILE without running it.

    Prints what the file sets up, or one line naming the file, line and field of the
    first problem (exit code 2).
    """
    s = _load(file, as_json=as_json)
    plazas = list(s.plazas())
    booths = sum(g.booths for _, _, p in plazas for g in p.lane_groups.values())
    daily = sum(sum(d.daily.values()) for d in s.demand.values())
    if as_json:
        _json({"ok": True, "file": file, "scenario": s.name, "crossings": len(s.crossings),
               "plazas": len(plazas), "booths": booths, "vehicles_per_day": daily,
               "events": len(s.events), "plans": list(s.plans),
               "horizon_h": s.horizon / 3600})  # fmt: skip
        return
    click.echo(
        f"ok: {file}: scenario '{s.name}', {len(s.crossings)} crossing(s), {len(plazas)} "
        f"plaza(s), {booths} primary booths, {daily:,.0f} vehicles/day, {len(s.events)} "
        f"event(s), horizon {format_duration(s.horizon)}"
    )


if __name__ == "__main__":
    main()


@main.command()
@click.argument("name")
def init(name: str) -> None:
    """Write NAME.yaml: a commented starter scenario to edit (never overwrites a file)."""
    from importlib.resources import files

    path = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    if path.exists():
        _fail(f"{path}: already exists; choose another name")
    stem = path.stem
    if not stem[:1].isalnum() or not all(c.isalnum() or c in "_.-" for c in stem):
        _fail(f"{name}: use letters, digits, '-', '_' or '.' for a scenario name")
    text = files("bordersim").joinpath("data/starter.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("NAME", stem), encoding="utf-8")
    click.echo(f"wrote {path}: check it with `bordersim validate {path}`, then "
               f"`bordersim run {path}` or `bordersim compare {path}`")  # fmt: skip


@main.command(name="list")
def list_scenarios() -> None:
    """List the bundled scenarios with their descriptions and commands."""
    from rich.table import Table

    folders = [p for p in (Path("scenarios"), BUNDLED) if p.is_dir()]
    seen: set[Path] = set()
    t = Table(title="bundled scenarios", title_justify="left")
    for col in ("scenario", "what it is", "command"):
        t.add_column(col)
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            try:
                s = load_scenario(path)
            except ScenarioError as e:
                t.add_row(path.stem, f"(does not load: {e.message})", "")
                continue
            verb = "compare" if s.plans else "run"
            t.add_row(s.name, s.description, f"bordersim {verb} {path}")
    if not seen:
        _fail("no bundled scenarios found (run from a checkout of bordersim)")
    _terminal().print(t)


@main.command()
def schema() -> None:
    """Print the JSON Schema of scenario files, for editors to validate and complete them.

    Save it (bordersim schema > bordersim.schema.json) and point your editor's YAML
    support at it; the README shows how for VS Code.
    """
    from .scenario import Scenario

    _json(Scenario.model_json_schema(by_alias=True))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
def explain(file: str) -> None:
    """Say in plain words what the scenario in FILE sets up and what happens in it."""
    from .explain import explain as in_words

    click.echo("\n".join(in_words(_load(file))))
