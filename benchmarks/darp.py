"""Solve every Cordeau dial-a-ride instance of a folder and compare with the best-known costs.

    .venv/bin/python benchmarks/darp.py --time-limit 10 [--only a|pr] [--max-requests N] [FOLDER]

FOLDER defaults to ../shared/benchmarks/darp/instances beside the repository; best-known costs are read
from best_known.csv in FOLDER or its parent. Instances run one after the other (run nothing else
meanwhile: the timings and the search both depend on the CPU). Prints one row per instance, then the
mean gap of the `a` instances with at most 48 requests (the acceptance target) and of all of them.
"""

import argparse
import csv
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scheduling.darp import read_instance, run  # noqa: E402

DEFAULT_FOLDER = ROOT.parent / "shared" / "benchmarks" / "darp" / "instances"
TARGET_REQUESTS = 48  # the acceptance criterion covers the `a` instances up to this size


def natural(path: Path) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.stem))


def best_known(folder: Path) -> dict[str, float]:
    for candidate in (folder / "best_known.csv", folder.parent / "best_known.csv"):
        if candidate.is_file():
            with candidate.open(newline="") as handle:
                return {row["instance"]: float(row["best_known_cost"]) for row in csv.DictReader(handle)}
    return {}


def kind(name: str) -> str:
    return "pr" if name.startswith("pr") else "a" if name.startswith("a") else "other"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, nargs="?", default=DEFAULT_FOLDER)
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance (default 10)")
    parser.add_argument("--only", choices=["a", "pr"], help="only the `a` or only the `pr` instances")
    parser.add_argument("--max-requests", type=int, help="skip instances with more requests than this")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"skipped: no instance folder at {args.folder} (the DARP instances live in ../shared/benchmarks/darp)")
        return 0
    known = best_known(args.folder)
    paths = []
    for path in sorted(args.folder.glob("*.txt"), key=natural):
        if args.only and kind(path.stem) != args.only:
            continue
        requests = read_instance(path).requests
        if args.max_requests is not None and requests > args.max_requests:
            continue
        paths.append((path, requests))
    if not paths:
        print(f"no instance in {args.folder} matches the filters")
        return 0

    print(f"{'instance':<10} {'requests':>8} {'best known':>10} {'cost':>10} {'gap %':>7} {'seconds':>8}  feasible")
    rows = []
    for path, requests in paths:
        result = run(path, args.time_limit)
        best = known.get(path.stem)
        gap = 100 * (result["cost"] - best) / best if best and result["feasible"] else None
        rows.append((path.stem, requests, gap, result["feasible"]))
        print(
            f"{path.stem:<10} {requests:>8} {best if best else '-':>10} {result['cost']:>10.2f} "
            f"{'-' if gap is None else f'{gap:.2f}':>7} {result['seconds']:>8.2f}  "
            f"{'yes' if result['feasible'] else 'NO: ' + '; '.join(result['violations'][:3])}",
            flush=True,
        )

    def summary(label: str, selected: list[tuple]) -> None:
        if not selected:
            return
        gaps = [gap for _, _, gap, _ in selected if gap is not None]
        infeasible = sum(1 for *_, feasible in selected if not feasible)
        mean = f"{statistics.mean(gaps):.2f} %" if gaps else "-"
        extra = f", {infeasible} infeasible (not in the mean)" if infeasible else ""
        print(f"mean gap, {label}: {mean} over {len(gaps)} instances{extra}")

    print()
    summary(f"`a` instances up to {TARGET_REQUESTS} requests", [r for r in rows if kind(r[0]) == "a" and r[1] <= 48])
    summary("`a` instances", [r for r in rows if kind(r[0]) == "a"])
    summary("`pr` instances", [r for r in rows if kind(r[0]) == "pr"])
    summary("all", rows)
    return 0 if all(feasible for *_, feasible in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
