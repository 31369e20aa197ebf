"""The ``dlcourse`` command line.

Examples:
    dlcourse doctor                           # what is installed, cached and what to fix
    dlcourse data list                        # the data sets the course uses
    dlcourse data prefetch mnist imdb_reviews # download into the Keras cache
    dlcourse data prefetch --from /media/usb/keras   # fill the cache from an offline copy
    dlcourse notebooks sync                   # badges, setup cells, outputs stripped
    dlcourse bench 05_cnns 07_rnns            # run notebooks in full mode, compare with the targets
    dlcourse render 00 02 --out html          # execute in quick mode, write standalone HTML to publish
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


def _dataset_status(name: str) -> tuple[str, str]:
    """('ok' | 'missing' | 'corrupt' | 'built-in', detail) for one data set."""
    from dlcourse.data import DataCorruptError, get_spec

    spec = get_spec(name)
    if not spec.files:
        return "built-in", "generated or shipped with a package"
    missing = [f.relative_path for f in spec.files if not f.is_cached()]
    if missing:
        return "missing", ", ".join(missing)
    try:
        for file in spec.files:
            file.verify(name)
    except DataCorruptError as exc:
        return "corrupt", str(exc).splitlines()[0]
    return "ok", f"{len(spec.files)} file(s), hash checked" if any(f.sha256 for f in spec.files) else "cached"


def cmd_doctor(args: argparse.Namespace) -> int:
    """Print the environment, the data cache and a list of things to fix."""
    from dlcourse.data import keras_home, names
    from dlcourse.runtime import environment, outdated

    info = environment()
    print("dlcourse doctor")
    print("\n".join("  " + line for line in info.lines()))
    fixes = list(outdated(info.versions))
    home = keras_home()
    if home.exists() and not os.access(home, os.W_OK):
        fixes.append(f"KERAS_HOME={home} is not writable: Keras would silently use /tmp/.keras instead. "
                     "Point KERAS_HOME at a writable copy.")
    print("\nData sets (Keras cache):")
    for name in names():
        status, detail = _dataset_status(name)
        print(f"  {name:<14} {status:<9} {detail}")
        if status == "missing":
            fixes.append(f"{name} is not cached: run `dlcourse data prefetch {name}` "
                         "(offline: `dlcourse data prefetch --from DIR` or set KERAS_HOME)")
        elif status == "corrupt":
            fixes.append(f"{name} is damaged: run `dlcourse data prefetch {name} --force`")
    if not info.gpus:
        fixes.append("No GPU: fine for this course (it is sized for a laptop CPU). In Colab: "
                     "Runtime > Change runtime type > GPU.")
    print("\nTo fix:" if fixes else "\nNothing to fix.")
    for fix in fixes:
        print(f"  - {fix}")
    return 0


def cmd_data_list(args: argparse.Namespace) -> int:
    from dlcourse.data import describe, names

    for name in names():
        print(describe(name), end="\n\n")
    return 0


def cmd_data_prefetch(args: argparse.Namespace) -> int:
    """Download (or copy from --from) every requested data set into the Keras cache."""
    from dlcourse.data import DataError, copy_cache, get_spec, keras_home, names

    requested = args.names or [n for n in names() if get_spec(n).files]
    for name in requested:
        get_spec(name)  # unknown names fail before anything is downloaded
    if args.source:
        copied = copy_cache(args.source, keras_home())
        print(f"Copied {len(copied)} file(s) from {args.source} into {keras_home()}")
    failed = []
    for name in requested:
        spec = get_spec(name)
        if not spec.files:
            print(f"{name}: nothing to download (built in)")
            continue
        print(f"{name}: fetching into {keras_home()} ...", flush=True)
        try:
            if args.force:
                from dlcourse.data import fetch

                for file in spec.files:
                    fetch(file, name, force=True)
            spec.prefetch()
        except DataError as exc:
            failed.append(name)
            print(f"{name}: FAILED\n{exc}\n", file=sys.stderr)
        else:
            print(f"{name}: ok")
    if failed:
        print(f"\nMissing: {', '.join(failed)}. Connect to the internet and run this again, or copy a Keras cache "
              "that has these files (`dlcourse data prefetch --from DIR`, or `export KERAS_HOME=DIR`).",
              file=sys.stderr)
        return 1
    return 0


def cmd_notebooks(args: argparse.Namespace) -> int:
    """``sync`` writes badges and setup cells and strips outputs; ``check`` only reports."""
    from dlcourse.course import course_notebooks, notebook_problems, sync_notebook

    paths = args.paths or course_notebooks(args.root)
    if args.notebooks_command == "sync":
        for path in paths:
            if sync_notebook(path, args.root):
                print(f"updated {path}")
        return 0
    problems = [problem for path in paths for problem in notebook_problems(path, args.root)]
    print("\n".join(problems) or f"{len(paths)} notebook(s) clean")
    return 1 if problems else 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Run course notebooks headless, compare what they report with benchmarks/targets.csv."""
    from pathlib import Path

    from dlcourse.bench import benchmark, format_table

    root = Path(args.root)
    available = sorted((root / "notebooks").glob("*.ipynb"))
    if args.notebooks:
        chosen = []
        for name in args.notebooks:
            found = [p for p in available if p.stem == name or p.stem.startswith(name + "_")]
            if not found:
                raise ValueError(f"no notebook named {name!r} in {root / 'notebooks'}")
            chosen.extend(found)
    else:
        chosen = available
    out = None if args.out == "-" else Path(args.out) if args.out else root / "benchmarks"
    rows, ok = benchmark(chosen, root / "benchmarks" / "targets.csv", out, quick=args.quick, timeout=args.timeout,
                         executed_dir=args.executed)
    print(format_table(rows))
    if out is not None:
        print(f"\nwritten: {out / 'results.md'} and results.json")
    return 0 if ok else 1


def cmd_render(args: argparse.Namespace) -> int:
    """Execute notebooks (quick mode unless --full) and write standalone HTML; the notebooks stay untouched."""
    from dlcourse.render import Rendered, find_notebooks, render_notebooks

    def report(result: Rendered) -> None:
        outcome = f"-> {result.html}" if result.html else f"FAILED: {result.error}"
        print(f"{result.notebook} ({result.seconds:.0f} s) {outcome}", flush=True)

    results = render_notebooks(find_notebooks(args.notebooks, args.root), args.out, quick=not args.full,
                               static_widgets=args.static_widgets, timeout=args.timeout, progress=report)
    failed = [r for r in results if r.error]
    print(f"{len(results) - len(failed)} of {len(results)} notebook(s) rendered into {args.out}")
    return 1 if failed else 0


def cmd_exercises(args: argparse.Namespace) -> int:
    """``build`` regenerates exercises/ from solutions/; ``check`` reports drift; ``list`` shows the questions."""
    from pathlib import Path

    if args.exercises_command == "list":
        from dlcourse.exercises.questions import questions

        for question in questions():
            print(f"{question.qid:<7} {question.points:>2} pt  {question.kind:<8} {question.name:<18} {question.title}")
        return 0
    import tempfile

    from dlcourse.exercises.notebook import build_exercises

    root = Path(args.root)
    if args.exercises_command == "build":
        for path in build_exercises(root):
            print(f"wrote {path.relative_to(root).as_posix()}")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        stale = [p.name for p in build_exercises(root, scratch)
                 if not (root / "exercises" / p.name).exists()
                 or (root / "exercises" / p.name).read_bytes() != p.read_bytes()]
    print("\n".join(f"exercises/{name} is out of date (run `dlcourse exercises build`)" for name in stale)
          or "exercises/ is up to date")
    return 1 if stale else 0


def cmd_grade(args: argparse.Namespace) -> int:
    """Grade every notebook in SUBMISSIONS_DIR against ASSIGNMENT into a CSV plus feedback files."""
    from dlcourse.grading import Limits, grade_folder, isolation_mode, load_assignment

    assignment = load_assignment(args.assignment, args.solutions)
    limits = Limits(timeout=args.timeout, cell_timeout=args.cell_timeout, memory_gb=args.memory)
    if isolation_mode() != "namespaces":
        print("dlcourse grade: warning: Linux namespaces are not available here; submissions run with rlimits, "
              "a private working folder and a timeout only (no network or filesystem isolation). "
              "Grade on Linux with `unshare` for full isolation.", file=sys.stderr)
    summary = grade_folder(assignment, args.submissions, args.out, jobs=args.jobs, limits=limits,
                           force=args.force, feedback_dir=args.feedback, progress=not args.quiet)
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(summary["statuses"].items())) or "none"
    print(f"graded {summary['graded']} submission(s), skipped {summary['skipped']} already graded; "
          f"{summary['seconds_per_submission']:.1f} s each; statuses: {statuses}")
    print(f"CSV: {args.out}; feedback: {summary['feedback_dir']}; isolation: {summary['isolation']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dlcourse", description="Tools for the dlcourse deep-learning course.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    doctor = commands.add_parser("doctor", help="check versions, backend, GPU, cached data sets and what to fix")
    doctor.set_defaults(func=cmd_doctor)

    data = commands.add_parser("data", help="list and download data sets")
    data_commands = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    data_commands.add_parser("list", help="describe every data set").set_defaults(func=cmd_data_list)
    prefetch = data_commands.add_parser("prefetch", help="download data sets into the Keras cache")
    prefetch.add_argument("names", nargs="*", help="data sets to fetch (default: all that need a download)")
    prefetch.add_argument("--from", dest="source", metavar="DIR",
                          help="copy files from an offline Keras cache folder first (e.g. a USB stick)")
    prefetch.add_argument("--force", action="store_true", help="download again even if a cached copy exists")
    prefetch.set_defaults(func=cmd_data_prefetch)

    notebooks = commands.add_parser("notebooks", help="keep the course notebooks' badges, setup cells and outputs clean")
    notebooks.add_argument("notebooks_command", choices=["sync", "check"],
                           help="sync: write badge + setup cell, strip outputs; check: report problems")
    notebooks.add_argument("paths", nargs="*", help="notebooks (default: notebooks/, solutions/, exercises/)")
    notebooks.add_argument("--root", default=".", help="repository root (default: current folder)")
    notebooks.set_defaults(func=cmd_notebooks)

    bench = commands.add_parser("bench", help="run notebooks in full mode and compare their numbers with the targets")
    bench.add_argument("notebooks", nargs="*", help="notebook names or numbers, e.g. 05_cnns or 05 (default: all)")
    bench.add_argument("--quick", action="store_true", help="quick mode (checks the machinery, not the targets)")
    bench.add_argument("--out", help="folder for results.md/results.json (default: benchmarks/; '-' writes none)")
    bench.add_argument("--timeout", type=int, default=3600, help="seconds one cell may take (default 3600)")
    bench.add_argument("--executed", metavar="DIR", help="also save each executed notebook, outputs included, in DIR")
    bench.add_argument("--root", default=".", help="repository root (default: current folder)")
    bench.set_defaults(func=cmd_bench)

    render = commands.add_parser("render", help="execute notebooks in quick mode and write standalone HTML")
    render.add_argument("notebooks", nargs="*",
                        help="notebook names, numbers or .ipynb paths, e.g. 00 02_losses_gradients_backprop "
                             "(default: every notebook in notebooks/)")
    render.add_argument("--out", default="html", help="folder for the HTML files (default: html/)")
    render.add_argument("--full", action="store_true", help="full mode instead of quick mode (slow)")
    render.add_argument("--static-widgets", action="store_true",
                        help="draw widgets as plain pictures (no slider, no widget script from a CDN)")
    render.add_argument("--timeout", type=int, default=600, help="seconds one cell may take (default 600)")
    render.add_argument("--root", default=".", help="repository root (default: current folder)")
    render.set_defaults(func=cmd_render)

    exercises = commands.add_parser("exercises", help="build the student exercise notebooks from the solutions")
    exercises.add_argument("exercises_command", choices=["build", "check", "list"],
                           help="build: regenerate exercises/; check: report drift; list: the graded questions")
    exercises.add_argument("--root", default=".", help="repository root (default: current folder)")
    exercises.set_defaults(func=cmd_exercises)

    grade = commands.add_parser("grade", help="grade a folder of returned exercise notebooks into a CSV")
    grade.add_argument("assignment", help="notebook number or name, e.g. 01 or 01_neurons_and_activations")
    grade.add_argument("submissions", help="folder of submitted .ipynb files (searched recursively)")
    grade.add_argument("--out", default="grades.csv", help="CSV to write (default: grades.csv); re-runs resume it")
    grade.add_argument("--jobs", type=int, default=1, help="submissions graded in parallel (default: 1)")
    grade.add_argument("--timeout", type=float, default=180.0, help="seconds per submission (default: 180)")
    grade.add_argument("--cell-timeout", type=float, default=60.0, help="seconds per cell (default: 60)")
    grade.add_argument("--memory", type=float, default=4.0, help="GB of address space per submission (default: 4)")
    grade.add_argument("--force", action="store_true", help="grade again even if the CSV has the submission")
    grade.add_argument("--feedback", metavar="DIR", help="feedback folder (default: next to the CSV)")
    grade.add_argument("--solutions", default="solutions", help="solutions folder with checks/ (default: solutions)")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    grade.set_defaults(func=cmd_grade)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter hides the answer
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:  # bad names or options: a message, not a traceback
        print(f"dlcourse: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
