"""The ``bordersim`` command line. Thin: it reads options and calls the package.

Exit codes: 0 success, 2 bad input (scenario file or options), 1 internal error.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import interrupts

# Each command imports what it needs when it runs: `bordersim --help` loads click and
# nothing else (pydantic, numpy, rich, matplotlib are for the commands that use them).
if TYPE_CHECKING:
    from rich.console import Console

    from .runner import Study
    from .scenario import Scenario

BAD_INPUT = 2
INTERNAL_ERROR = 1
INTERRUPTED = interrupts.EXIT_CODE
MAX_SEED = 2**63 - 1  # as in scenario files
MAX_REPLICATIONS = 100_000  # as in scenario files


class _Commands(click.Group):
    """Unexpected exceptions are bugs: one line, details in a file, exit code 1.

    A wrong option gets one line and exit code 2, like a wrong scenario file, rather
    than click's usage text.
    """

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as e:
            command = f"{e.ctx.command_path}: " if e.ctx is not None else ""
            click.echo(f"error: {command}{e.format_message()}", err=True)
            sys.exit(BAD_INPUT)
        except click.ClickException as e:
            click.echo(f"error: {e.format_message()}", err=True)
            sys.exit(e.exit_code)
        except click.Abort:
            click.echo(interrupts.STOPPED, err=True)
            sys.exit(INTERRUPTED)
        except OSError as e:  # standard output closed or full under us (| head, > /dev/full)
            import errno

            if e.errno == errno.EPIPE:
                sys.exit(0)
            if e.errno in (errno.ENOSPC, errno.EBADF, errno.EIO):
                click.echo(f"error: cannot write to standard output: {e.strerror}", err=True)
                sys.exit(BAD_INPUT)
            raise

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo(interrupts.STOPPED, err=True)
            sys.exit(INTERRUPTED)
        except OSError as e:
            import errno

            if e.filename is None and e.errno in (
                errno.EPIPE,
                errno.ENOSPC,
                errno.EBADF,
                errno.EIO,
            ):
                raise  # standard output closed or full: main() says so in one line
            _internal_error(e)
        except Exception as e:  # noqa: BLE001 - the last line of defence
            _internal_error(e)


def _internal_error(e: Exception) -> None:
    """A bug: one line, the details in a file, exit code 1 (unless it was an interruption)."""
    if interrupts.requested:  # Ctrl-C landed in a library that made it an error
        click.echo(interrupts.STOPPED, err=True)
        sys.exit(INTERRUPTED)
    import tempfile
    import traceback

    with tempfile.NamedTemporaryFile(
        "w", prefix="bordersim-error-", suffix=".txt", delete=False
    ) as f:
        traceback.print_exc(file=f)
    click.echo(
        f"internal error: {type(e).__name__}: {e} (a bug: please report it with "
        f"the scenario file; details in {f.name})",
        err=True,
    )
    sys.exit(INTERNAL_ERROR)


def _scenario_file(file: str) -> str:
    """FILE as given; a bare name with a file of that name and .yaml here, that file;
    else the bundled scenario of that name. A file here always wins over a bundled one,
    and anything with a path or an extension stays what it is."""
    import os

    from .scenario.bundled import find

    path = Path(file)
    if os.path.lexists(path) and not path.is_dir():
        return file  # a file, or a link (even a broken one: the loader says so)
    found = find(file)
    if found is None:
        return file  # the loader says it is not found
    for local in (Path(f"{file}.yaml"), Path(f"{file}.yml")):
        if os.path.lexists(local):
            click.echo(f"note: using {local} (a file here), not the bundled '{file}'", err=True)
            return str(local)
    where = " (not the folder of that name here)" if path.is_dir() else ""
    click.echo(f"note: using the bundled scenario '{found.stem}'{where}:\n  {found}", err=True)
    return str(found)


def _load(file: str, seed: int | None = None, as_json: bool = False) -> tuple[Scenario, str]:
    """The scenario and the exact text it came from: read once, so results say what ran.
    A bare name that is no file here is a bundled scenario (``bordersim run
    ambassador-closure``)."""
    from .scenario import ScenarioError, read_scenario

    file = _scenario_file(file)
    try:
        scenario, text = read_scenario(file)
    except ScenarioError as e:
        if as_json:
            _json(
                {
                    "ok": False,
                    "error": str(e),
                    "file": e.file,
                    "line": e.line,
                    "field": e.field,
                    "message": e.message,
                }
            )
        click.echo(f"error: {e}", err=True)
        sys.exit(BAD_INPUT)
    return (scenario if seed is None else scenario.model_copy(update={"seed": seed})), text


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bordersim")
def main() -> None:
    """Simulate land ports of entry on the Canada-US border under emergencies.

    A scenario file (YAML) describes crossings, demand and a disruption (closure,
    surge, reduced staffing, heightened alert, outage). Start with a bundled one (by
    name, from any folder), or copy one to edit:

    \b
        bordersim list
        bordersim run ambassador-closure
        bordersim compare ambassador-exercise --reps 10
        bordersim init my-exercise --from ambassador-exercise
        bordersim compare my-exercise.yaml
        bordersim exercise niagara-winter-storm

    Each run or comparison writes a new results folder with report.html, the briefing
    to open in a browser. An exercise (a tabletop dry run) opens a page for the room.

    Exit codes: 0 ok, 1 internal error, 2 bad input or environment, 130 interrupted
    (Ctrl-C or SIGTERM; nothing half-written is left).
    """
    interrupts.start()


def _execution_options(f):
    """Options shared by run and compare: replications and where they run."""
    options = [
        click.option(
            "--seed", type=click.IntRange(0, MAX_SEED), help="Random seed (overrides the file's)."
        ),
        click.option(
            "--reps",
            type=click.IntRange(1, MAX_REPLICATIONS),
            help="Replications [default: the file's 'replications', else 1].",
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(1, 1024),
            help="Processes simulating side by side [default: all cores; a study too "
            "small to repay starting one: this process alone].",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            help="Run replications on a Dask cluster, e.g. tcp://10.0.0.5:8786.",
        ),
        click.option(
            "--dask-local",
            type=click.IntRange(1, 256),
            metavar="N",
            help="Start a local Dask cluster of N workers (to try Dask out).",
        ),
        click.option(
            "--out",
            type=click.Path(path_type=str),
            help="Results folder: a new one, or (with --overwrite) bordersim's own "
            "[default: a new dated folder under results/<scenario name>/].",
        ),
        click.option(
            "--overwrite",
            is_flag=True,
            help="Replace the --out folder if it holds earlier bordersim results "
            "(and nothing else).",
        ),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary table."),
        click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="Print the result as JSON on stdout (for scripts); implies --quiet.",
        ),
        click.option(
            "--resume",
            is_flag=True,
            help="Continue an interrupted study from the replications it saved.",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _practical_option(help: str):
    """--practical PERCENT: differences that do not matter (compare, exercise)."""
    return click.option(
        "--practical",
        type=click.FloatRange(0, 100),
        default=5.0,
        show_default=True,
        metavar="PERCENT",
        help=help,
    )


def _study(
    scenario: Scenario,
    text: str,
    file: str,
    kind: str,
    plans: list[str | None],
    opts: dict,
    as_json: bool,
    write,
) -> tuple[Path, Study]:
    """Run a study and write its results folder; one line and exit 2 or 130 when it cannot.

    Where the results go is checked before anything is simulated. Replications are saved
    as they finish, for --resume, until the results are written whole; ``write(folder,
    study)`` fills the folder, which is put in place only when complete.
    """
    from .checkpoints import Checkpoints, fingerprint
    from .folders import Destination, FolderError, Workspace, destination

    quiet = opts["quiet"] or as_json
    reps = opts["reps"] or scenario.replications
    default = Path("results") / scenario.name
    try:
        dest: Destination = destination(
            opts["out"], default, kind, opts["overwrite"], protect=(Path(file),)
        )
    except FolderError as e:
        _fail(str(e), as_json)
    _check_executor(opts["scheduler"], as_json)
    vehicles = bool(opts.get("vehicles"))
    saved: Checkpoints | None = None
    try:
        with Workspace(dest) as ws:
            key = fingerprint(scenario, plans, vehicles=vehicles, command=kind)
            saved = Checkpoints(ws.lock_study(key), key)
            assert ws.tmp is not None
            # The replications' curves are kept on disk, in the folder being written (so
            # cleaned with it whatever happens), and removed before it is put in place.
            keep_in = ws.tmp / ".curves"
            # What is loaded by now lives as long as the command: leave it out of the
            # cyclic collector's walks, which the study would otherwise pay for again
            # and again.
            gc.freeze()
            try:
                keep_in.mkdir()
                study = _simulate(
                    scenario, plans, reps, opts, vehicles, quiet, saved, as_json, keep_in
                )
            except OSError as e:
                _cannot("keep the replications' curves", e, saved, reps, as_json)
            try:
                write(ws.tmp, study)
                interrupts.check()
                shutil.rmtree(keep_in)
                final = ws.commit(_provenance(scenario, text, file, study, opts))
            except OSError as e:  # a full disk, a folder gone read-only...
                _cannot("write the results", e, saved, reps, as_json)
            saved.clear()
    except FolderError as e:
        _fail(str(e), as_json)
    except KeyboardInterrupt:
        _interrupted(saved, reps)
    finally:
        gc.unfreeze()  # (for callers that go on: bordersim's exit freezes everything)
    if interrupts.requested:  # it came while the finished results were put in place
        click.echo(f"interrupted: the results were complete and are in {final}/", err=True)
        sys.exit(INTERRUPTED)
    return final, study


def _check_executor(scheduler: str | None, as_json: bool) -> None:
    from .runner import SchedulerError, check_scheduler_address

    if scheduler is not None:
        try:
            check_scheduler_address(scheduler)
        except SchedulerError as e:
            _fail(str(e), as_json)


def _cannot(what: str, e: OSError, saved, reps: int, as_json: bool) -> None:
    """Say in one line that the disk or folder failed; nothing is written (exit 2)."""
    where = f" ({e.filename})" if e.filename else ""
    hint = _saved_hint(saved, reps, "once the problem is fixed")
    _fail(f"cannot {what}: {e.strerror or e}{where}; nothing written{hint}", as_json)


def _saved_hint(saved, reps: int, then: str = "to continue") -> str:
    """'; N of M replications are saved: ...' when some are, to end a one-line message."""
    kept = saved.count() if saved is not None else 0
    if not kept:
        return ""
    return f"; {kept} of {reps} replications are saved: run the same command with --resume {then}"


def _interrupted(saved, reps: int) -> None:
    click.echo(f"{interrupts.STOPPED}{_saved_hint(saved, reps)}", err=True)
    sys.exit(INTERRUPTED)


def _provenance(scenario: Scenario, text: str, file: str, study, opts: dict) -> dict:
    """What the marker of a results folder says made it."""
    import hashlib

    from . import __version__

    return {
        "bordersim": __version__,
        "scenario": scenario.name,
        "scenario_file": file,
        "scenario_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "seed": scenario.seed,
        "replications": len(study.replications),
        "plans": study.labels,
        "executor": study.executor,
    }


def _simulate(scenario, plans, reps, opts, vehicles, quiet, saved, as_json, keep_in=None):
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from .runner import SchedulerError, run_study

    console = Console(stderr=True)
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True, disable=quiet) as bar:
        task = bar.add_task(f"simulating {scenario.name}", total=1.0, detail="")

        def progress(share: float, detail: str) -> None:
            interrupts.check()  # a safe point: an interruption that was swallowed stops here
            bar.update(task, completed=share, detail=detail)

        try:
            study = run_study(
                scenario,
                plans,
                reps,
                jobs=opts["jobs"],
                scheduler=opts["scheduler"],
                dask_local=opts["dask_local"],
                record_vehicles=vehicles,
                progress=progress,
                checkpoints=saved,
                resume=opts["resume"],
                keep_in=keep_in,
            )
        except KeyboardInterrupt:
            bar.stop()
            raise
        except SchedulerError as e:
            bar.stop()
            _fail(f"{e}{_saved_hint(saved, reps)}", as_json)
    if not quiet:
        notes = []
        if saved.ignored:
            notes.append(
                f"{len(saved.ignored)} saved replication(s) could not be used and "
                f"were run again ({saved.ignored[0]})"
            )
        if opts["resume"] and not saved.reused and not saved.ignored:
            notes.append("--resume: no replications of this study were saved here; all were run")
        if saved.not_saved:
            notes.append(
                f"{len(saved.not_saved)} replication(s) could not be saved for "
                f"--resume ({saved.not_saved[0]})"
            )
        for note in notes:
            click.echo(f"note: {note}", err=True)
    return study


def _hands_for(scenario: Scenario, drawing) -> None:
    """A region's figures get a second drawing process (see report.drawing)."""
    if len(scenario.crossings) > 1:
        drawing.another_hand()


def _terminal() -> Console:
    """Tables for people; on a pipe or in a log, as wide as COLUMNS says (else 140, so
    that tables are not wrapped in logs)."""
    import os

    from rich.console import Console

    console = Console()
    if not console.is_terminal:
        width = os.environ.get("COLUMNS", "")
        console = Console(width=int(width) if width.isdigit() and int(width) > 20 else 140)
    return console


@main.command(short_help="Run a scenario and its baseline; write report.html and data.")
@click.argument("file", type=click.Path(path_type=str))
@click.option("--plan", help="Apply this response plan from the file's 'plans'.")
@click.option(
    "--vehicles",
    is_flag=True,
    help="Also write vehicles.csv: one row per vehicle (of the first replication).",
)
@_execution_options
def run(file: str, plan: str | None, vehicles: bool, as_json: bool, **opts) -> None:
    """Run the scenario in FILE (or a bundled scenario by name) and its baseline; say what
    happened; write report.html, figures and tables.

    The baseline is the same scenario without events, with the same random numbers.
    Results go to a new folder, results/<scenario name>/run-<date>-<time>/:
    report.html (the briefing), summary.json, figures.csv, results.xlsx,
    timeseries.csv (5-minute bins), recovery.png, transit.png, overview.png (regions),
    and vehicles.csv with --vehicles. With --reps N every figure gets a mean and a 95%
    confidence interval (times to recover and clear: medians), and the recovery curves
    a 10-90% band; the results are the same whatever --jobs or executor. The folder
    appears only when complete, and earlier results are never replaced.
    """
    from .report.drawing import Drawing

    # First of all: the drawing process loads matplotlib while this one loads the rest.
    with Drawing() as drawing:
        from .report.console import print_summary
        from .report.files import write_results

        file = _scenario_file(file)
        scenario, text = _load(file, opts["seed"], as_json)
        _hands_for(scenario, drawing)
        if plan is not None and plan not in scenario.plans:
            _bad_plan(file, plan, scenario, as_json)
        opts["vehicles"] = vehicles

        def write(folder: Path, study) -> None:
            write_results(folder, study, vehicles=vehicles, source=text, drawing=drawing)

        final, study = _study(scenario, text, file, "run", [plan], opts, as_json, write)
    results = study.results(study.labels[0])
    if as_json:
        _json(
            {
                "ok": True,
                "results": str(final),
                "seconds": study.seconds,
                "summary": results.to_json(),
            }
        )
        return
    if not opts["quiet"]:
        print_summary(results, _terminal())
    click.echo(
        f"results written ({len(study.replications)} replication(s) in "
        f"{study.seconds:.2f} s, {study.executor}):\n  {final}/\n"
        f"open the briefing:\n  {final / 'report.html'}"
    )


@main.command(short_help="Compare response plans side by side; write report.html.")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--plans",
    help="Comma-separated plans to compare, the first as reference "
    "[default: every plan in the file, in its order].",
)
@_practical_option(
    "Better or worse only for differences over this share of the reference plan's "
    "value; a difference whose whole 95% interval is within it is reported as 'no "
    "practical difference', even when it is statistically clear."
)
@_execution_options
def compare(file: str, plans: str | None, practical: float, as_json: bool, **opts) -> None:
    """Compare the response plans of the scenario in FILE (or a bundled scenario by
    name), side by side, and say which to brief.

    Every plan runs on the same replications with common random numbers (the same
    vehicles with the same draws), so each plan's difference to the first plan is
    paired replication by replication and its confidence interval is narrow. Writes
    a new folder, results/<scenario name>/compare-<date>-<time>/: report.html (the
    briefing), table.csv, table.json, results.xlsx, recovery.png (the plans' recovery
    curves overlaid), key_figures.png and overview.png (regions), and prints the
    recommendation and the plans ranked by total excess delay.
    """
    from .report.drawing import Drawing

    # First of all: the drawing process loads matplotlib while this one loads the rest.
    with Drawing() as drawing:
        _compare(file, plans, practical, as_json, opts, drawing)


def _compare(file: str, plans: str | None, practical: float, as_json: bool, opts, drawing) -> None:
    from .compare import compare as compare_plans
    from .report.console import print_comparison
    from .report.files import write_comparison

    file = _scenario_file(file)
    scenario, text = _load(file, opts["seed"], as_json)
    _hands_for(scenario, drawing)
    if plans is not None:
        names = [p.strip() for p in plans.split(",")]
        if any(not n for n in names):
            _fail(f"--plans {plans}: a plan name is empty", as_json)
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            _fail(f"--plans {plans}: '{twice[0]}' is named twice", as_json)
    else:
        names = list(scenario.plans)
    if not names:
        _fail(f"{file}: the scenario has no 'plans' to compare", as_json)
    for name in names:
        if name not in scenario.plans:
            _bad_plan(file, name, scenario, as_json)
    results: dict = {}

    def write(folder: Path, study) -> None:
        results["table"] = compare_plans(study, practical / 100.0)
        write_comparison(folder, study, results["table"], source=text, drawing=drawing)

    final, study = _study(scenario, text, file, "compare", list(names), opts, as_json, write)
    result = results["table"]
    if as_json:
        _json(
            {
                "ok": True,
                "results": str(final),
                "seconds": study.seconds,
                "comparison": result.to_json(),
            }
        )
        return
    if not opts["quiet"]:
        print_comparison(result, _terminal())
    click.echo(
        f"comparison written ({len(names)} plans x {len(study.replications)} replications "
        f"in {study.seconds:.2f} s, {study.executor}):\n  {final}/\n"
        f"open the briefing:\n  {final / 'report.html'}"
    )


@main.command(short_help="Run a tabletop exercise in the browser, or replay its decisions.")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--decisions",
    "replay",
    type=click.Path(path_type=Path),
    metavar="LOG",
    help="Replay this decision log without a browser and write the after-action report.",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(path_type=Path),
    help="Where the exercise's decisions are saved, after every one [default: "
    "exercises/<scenario name>.log.json]; an existing log is resumed where the room was.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to serve the page on; 0.0.0.0 lets players' laptops watch (they need "
    "the observer's address, with its access token).",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="Port [default: any free one]."
)
@click.option("--no-browser", is_flag=True, help="Do not open the page in a browser.")
@_practical_option(
    "After-action report: differences under this share of doing nothing's value are "
    "'too small to matter'."
)
@_execution_options
def exercise(
    file: str,
    replay: Path | None,
    log_path: Path | None,
    host: str,
    port: int,
    no_browser: bool,
    practical: float,
    as_json: bool,
    **opts,
) -> None:
    """Run the tabletop exercise of the scenario in FILE (its 'exercise' section): a page
    in the browser shows the simulated clock, injects, the situation at every crossing
    and a forecast; the facilitator advances the clock, previews and takes decisions,
    and rewinds. Decisions are saved after each one (--log); running the same command
    again resumes where the room was.

    With --decisions LOG, replays a decision log without a browser and writes the
    after-action report: results/<scenario name>/exercise-<date>-<time>/report.html, what
    was played against doing nothing and each plan on paper, and what each decision did.
    """
    if replay is not None:
        from .report.drawing import Drawing

        with Drawing() as drawing:
            _after_action(file, replay, practical, as_json, opts, drawing)
        return
    _live_exercise(file, log_path, host, port, no_browser, opts)


def _exercise_scenario(file: str, seed: int | None, as_json: bool = False):
    file = _scenario_file(file)
    scenario, text = _load(file, seed, as_json)
    if scenario.exercise is None:
        _fail(
            f"{file}: the scenario has no 'exercise' section (decision points, injects, "
            "roles): see docs/exercises.md, or try the bundled niagara-winter-storm",
            as_json,
        )
    return file, scenario, text


def _read_log(path: Path, scenario, text: str, as_json: bool = False):
    from .scenario import ScenarioError
    from .scenario.decisions import parse_log

    try:
        if not path.is_file():
            raise ScenarioError(str(path), "no such file" if not path.exists() else "not a file")
        content = path.read_text(encoding="utf-8")
        return parse_log(content, str(path), scenario, text), content
    except ScenarioError as e:
        _fail(str(e), as_json)
    except UnicodeDecodeError:
        _fail(f"{path}: not an exercise log (not UTF-8 text)", as_json)
    except OSError as e:
        _fail(f"{path}: cannot read the exercise log ({e.strerror})", as_json)


def _after_action(file: str, replay: Path, practical: float, as_json: bool, opts, drawing) -> None:
    import json

    from .compare import compare as compare_plans
    from .exercise.after_action import EXERCISE_FILE, debrief, study_plans
    from .exercise.session import PLAYED
    from .report.files import write_comparison

    file, scenario, text = _exercise_scenario(file, opts["seed"], as_json)
    log, log_text = _read_log(replay, scenario, text, as_json)  # read once
    if opts["seed"] is not None and opts["seed"] != log.seed:
        _fail(f"--seed {opts['seed']}: the log was played with seed {log.seed}", as_json)
    derived, shown, plans = study_plans(scenario, log)
    results: dict = {}

    def write(folder: Path, study) -> None:
        main = compare_plans(study, practical / 100.0, labels=shown)
        without = [p for p in plans if p not in shown]
        effects = (
            compare_plans(study, practical / 100.0, labels=[PLAYED, *without]) if without else None
        )
        words = debrief(scenario.model_copy(update={"seed": log.seed}), log, main, effects)
        (folder / EXERCISE_FILE).write_text(json.dumps(words, indent=1) + "\n", encoding="utf-8")
        (folder / "decisions.json").write_text(log_text, encoding="utf-8")
        results["table"], results["words"] = main, words
        write_comparison(folder, study, main, source=text, drawing=drawing)

    final, study = _study(derived, text, file, "exercise", list(plans), opts, as_json, write)
    if as_json:
        _json({"ok": True, "results": str(final), "after_action": results["words"]})
        return
    if not opts["quiet"]:
        for p in results["words"]["paragraphs"]:
            click.echo(f"{p['heading']}:")
            for sentence in p["sentences"]:
                click.echo(_wrapped(sentence["text"]))
    removed = len(plans) - len(shown)
    click.echo(
        f"after-action report written ({len(shown)} plans compared, and the decisions less "
        f"each of {removed} in turn, x {len(study.replications)} replications in "
        f"{study.seconds:.2f} s):\n  {final}/\nopen the briefing:\n  {final / 'report.html'}"
    )


def _wrapped(text: str) -> str:
    import textwrap

    return textwrap.fill(text, width=78, initial_indent="  ", subsequent_indent="    ")


def _live_exercise(file: str, log_path: Path | None, host: str, port: int, no_browser: bool, opts):
    import ipaddress

    from .exercise.forecast import stop_all
    from .exercise.log import LogError, LogFile, is_log
    from .exercise.session import Session
    from .exercise.web import Tokens, bind, create_app, serve
    from .scenario.loading import parse_mapping

    _, scenario, text = _exercise_scenario(file, opts["seed"])
    path = log_path or Path("exercises") / f"{scenario.name}.log.json"
    log = None
    if path.is_file() and not path.is_symlink() and is_log(path):
        log, _ = _read_log(path, scenario, text)
    if log is not None and opts["seed"] is not None and opts["seed"] != log.seed:
        _fail(f"--seed {opts['seed']}: the log {path} was played with seed {log.seed}")
    tokens = Tokens.new()
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    try:
        with LogFile(path, scenario) as logfile:
            session = Session(scenario, text, save=logfile.save, log=log)
            if opts["jobs"]:
                session.jobs = opts["jobs"]
            session.state()  # the situation is built before the page asks for it
            replay = f"bordersim exercise {_quoted(file)} --decisions {_quoted(str(path))}"
            app = create_app(session, tokens, parse_mapping, replay)
            try:  # listening first: a taken port or a wrong host writes nothing
                server = bind(app, host, port)
            except ValueError:
                _fail(f"--host {host}: not an address this machine can serve on")
            except OSError as e:
                _fail(f"cannot serve the exercise on {host}:{port}: {e.strerror or e}")
            try:
                logfile.save(session.log)  # the log exists from the start
            except OSError as e:
                _fail(f"cannot write the exercise log {path}: {e.strerror or e}")
            shown = host if loopback or host not in ("0.0.0.0", "::") else _hostname()
            shown = f"[{shown}]" if ":" in shown else shown  # an IPv6 address
            base = f"http://{shown}:{server.effective_port}/"
            facilitator = f"{base}?token={tokens.facilitator}"
            click.echo(
                f"exercise '{session.exercise.title or scenario.name}' at "
                f"{scenario.clock(session.now)}"
                + (" (resumed from the log)" if log is not None else "")
                + f"\nfacilitator (decides):\n  {facilitator}"
                + f"\nobservers (watch only):\n  {base}?token={tokens.observer}"
                + f"\ndecisions saved after each one to:\n  {path}\nstop with Ctrl-C"
            )
            if not no_browser and _has_display():
                import webbrowser

                webbrowser.open(facilitator)
            elif not no_browser:
                click.echo(
                    "(no graphical display here: open the facilitator's address in a browser)"
                )
            try:
                serve(server)
            except KeyboardInterrupt:
                pass
            finally:
                stop_all()  # a forecast running: its replications stop now
    except LogError as e:
        _fail(str(e))
    click.echo(f"exercise stopped; run the same command to resume from {path}")


def _has_display() -> bool:
    """Whether a browser window can open here. Without a display, Python's webbrowser
    would start a text browser in this very terminal, in front of the server."""
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _hostname() -> str:
    import socket

    return socket.gethostname()


def _json(data) -> None:
    import json

    click.echo(json.dumps(data, indent=2, default=str))


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def report(folder: Path) -> None:
    """Rebuild report.html in a results FOLDER from its saved results, without re-running.

    FOLDER is what run or compare wrote, e.g. results/ambassador-closure/latest-run.
    Parts missing from the folder are named on the page; the rest is still shown.
    """
    from .folders import read_marker
    from .report.html import ReportError, is_results_folder, write_report

    if not folder.is_dir() or not is_results_folder(folder):
        _fail(f"{folder}: not a results folder (no summary.json or table.json)")
    if read_marker(folder) is None:
        _fail(
            f"{folder}: not a folder bordersim wrote (no {folder / 'bordersim.json'}); "
            "bordersim writes reports only into its own results folders"
        )
    try:
        path = write_report(folder)
    except ReportError as e:
        _fail(str(e))
    except OSError as e:
        _fail(f"cannot write {folder / 'report.html'}: {e.strerror or e}")
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
@click.argument("file", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
def validate(file: str, as_json: bool) -> None:
    """Check the scenario in FILE without running it.

    Prints what the file sets up, or one line naming the file, line and field of the
    first problem (exit code 2).
    """
    from .units import format_duration

    s, _ = _load(file, as_json=as_json)
    plazas = list(s.plazas())
    booths = sum(g.booths for _, _, p in plazas for g in p.lane_groups.values())
    daily = sum(sum(d.daily.values()) for d in s.demand.values())
    if as_json:
        _json(
            {
                "ok": True,
                "file": file,
                "scenario": s.name,
                "crossings": len(s.crossings),
                "plazas": len(plazas),
                "booths": booths,
                "vehicles_per_day": daily,
                "events": len(s.events),
                "plans": list(s.plans),
                "horizon_h": s.horizon / 3600,
            }
        )
        return
    click.echo(
        f"ok: {file}: scenario '{s.name}', {len(s.crossings)} crossing(s), {len(plazas)} "
        f"plaza(s), {booths} primary booths, {daily:,.0f} vehicles/day, {len(s.events)} "
        f"event(s), horizon {format_duration(s.horizon)}"
    )


@main.command()
@click.argument("name")
@click.option(
    "--from",
    "source",
    metavar="SCENARIO",
    help="Start from this bundled scenario (see `bordersim list`) instead of the starter.",
)
def init(name: str, source: str | None) -> None:
    """Write NAME.yaml to edit: a commented starter scenario, or a copy of a bundled one
    (--from). Never overwrites a file.

    \b
        bordersim init my-port
        bordersim init my-exercise --from ambassador-exercise
    """
    import re
    from importlib.resources import files

    from .scenario.bundled import bundled, find

    path = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    stem = path.stem
    # The scenario's own rule for names (it names results folders): ASCII, up to 100.
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}", stem):
        _fail(
            f"{name}: a scenario name is up to 100 letters (a-z, A-Z), digits, '-', '_' "
            "or '.', starting with a letter or digit"
        )
    if not path.parent.is_dir():
        _fail(f"{path}: no folder {path.parent}; create it first or choose another place")
    if source is None:
        text = files("bordersim").joinpath("data/starter.yaml").read_text(encoding="utf-8")
        # quoted, so that a name such as 123, yes or 2025-06-10 stays a name
        text = text.replace("name: NAME", f"name: '{stem}'").replace("NAME.yaml", str(path))
    else:
        found = find(source)
        if found is None:
            import difflib

            names = list(bundled())
            close = difflib.get_close_matches(source, names, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "bundled: " + ", ".join(names)
            _fail(f"--from {source}: no bundled scenario of that name ({hint})")
        text = found.read_text(encoding="utf-8")
        # the copy is yours: its own name, so its results go to results/<your name>/
        text = re.sub(r"(?m)^name:\s*\S+", f"name: '{stem}'", text, count=1)
    try:
        f = path.open("x", encoding="utf-8")  # never replaces a file
    except FileExistsError:
        _fail(f"{path}: already exists; choose another name")
    except OSError as e:
        _fail(f"{path}: cannot write it ({e.strerror or e})")
    try:
        with f:
            f.write(text)
    except OSError as e:
        path.unlink(missing_ok=True)  # ours: made just now, and incomplete
        _fail(f"{path}: cannot write it ({e.strerror or e})")
    click.echo(
        f"wrote {path}: check it with `bordersim validate {path}`, then "
        f"`bordersim run {path}` or `bordersim compare {path}`"
    )


@main.command(name="list")
def list_scenarios() -> None:
    """List the bundled scenarios: what each shows and the command that runs it.

    A bundled scenario runs by its name from any folder (bordersim compare
    ambassador-exercise); bordersim init my-copy --from NAME copies one to edit.
    """
    import textwrap

    from rich.text import Text

    from .scenario import ScenarioError, load_scenario
    from .scenario.bundled import bundled

    found = bundled()
    if not found:
        _fail("no bundled scenarios found: bordersim's installation is incomplete")
    console = _terminal()
    console.print(Text("Bundled scenarios", style="bold"))
    for name, path in found.items():
        console.print()
        try:
            s = load_scenario(path)
        except ScenarioError as e:
            console.print(Text(f"{name}: does not load ({e.message})", style="red"))
            continue
        verb = "exercise" if s.exercise else "compare" if s.plans else "run"
        console.print(Text(name, style="bold"))
        for line in textwrap.wrap(s.description, max(20, console.width - 2)):
            console.print(Text(f"  {line}"))
        console.print(Text(f"  bordersim {verb} {name}", style="cyan"), soft_wrap=True)
    console.print()
    console.print("Copy one to edit: bordersim init my-copy --from NAME")


@main.command()
def schema() -> None:
    """Print the JSON Schema of scenario files, for editors to validate and complete them.

    Save it (bordersim schema > bordersim.schema.json) and point your editor's YAML
    support at it; the README shows how for VS Code.
    """
    from .scenario.schema import json_schema

    _json(json_schema())


@main.command()
@click.argument("file", type=click.Path(path_type=str))
def explain(file: str) -> None:
    """Say in plain words what the scenario in FILE sets up and what happens in it."""
    from .explain import explain as in_words

    click.echo("\n".join(in_words(_load(file)[0])))


if __name__ == "__main__":  # python -m bordersim.cli: the same as python -m bordersim
    from bordersim.__main__ import main as entry

    entry()
