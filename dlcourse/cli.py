"""The ``dlcourse`` command line.

Examples:
    dlcourse doctor                           # what is installed, cached and what to fix
    dlcourse data list                        # the data sets the course uses
    dlcourse data prefetch mnist imdb_reviews # download into the Keras cache
    dlcourse data prefetch --from /media/usb/keras   # fill the cache from an offline copy
    dlcourse notebooks sync                   # badges, setup cells, outputs stripped
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
