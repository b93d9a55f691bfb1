"""Run the simulation over many seeds, or replay one.

    python -m tests.sim --seeds 0:2000 --jobs 2     # many seeds; each failing one with its replay command
    python -m tests.sim --seed 1234 -v              # one seed, printing its step trace
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter

from .harness import Config, Result, cleanup, replay_command, run_many, run_seed
from .invariants import DEFECTS


def _seeds(text: str) -> range:
    lo, _, hi = text.partition(":")
    return range(int(lo), int(hi))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.sim", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--seed", type=int, help="run one seed")
    g.add_argument("--seeds", type=_seeds, help="run seeds LO:HI (HI excluded)")
    p.add_argument("--steps", type=int, default=Config().steps, help="steps before the quiet phase")
    p.add_argument("--jobs", type=int, default=1, help="processes for --seeds")
    p.add_argument("-v", "--verbose", action="store_true", help="print the step trace (and product log warnings)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.verbose else logging.CRITICAL,
                        format="       log %(name)s: %(message)s")
    config = Config(steps=args.steps)

    if args.seed is not None:
        try:
            result: Result = run_seed(args.seed, config, echo=print if args.verbose else None)
        finally:
            cleanup()
        for f in result.failures:
            print(f"FAIL {f}")
        print(f"seed {args.seed}: {'FAILED ' + ', '.join(result.signs) if result.failures else 'ok'} {result.stats}")
        if result.failures and not args.verbose:
            print(f"replay: {replay_command(args.seed, config)}")
        return 1 if result.failures else 0

    t0 = time.perf_counter()
    kinds: Counter[str] = Counter()
    failed = 0
    results = run_many(args.seeds, config, jobs=args.jobs)
    try:
        for seed, failures in results:
            if failures:
                failed += 1
                first: dict[str, str] = {}
                for f in failures:
                    first.setdefault(f"{f.kind}[{f.defect}]" if f.defect else f.kind, f.detail)
                kinds.update(first.keys())
                print(f"seed {seed}: FAILED {', '.join(sorted(first))}")
                for sign, detail in sorted(first.items()):
                    print(f"  {sign}: {detail}")
                print(f"  replay: {replay_command(seed, config)}")
                sys.stdout.flush()
    finally:
        results.close()
        cleanup()
    elapsed = time.perf_counter() - t0
    n = len(args.seeds)
    print(f"{n} seeds, {failed} failed, in {elapsed:.1f} s ({n / elapsed * 60:.0f} seeds/min, {args.jobs} job(s))")
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count} seed(s)")
    if kinds:
        print("defects:")
        for tag, text in DEFECTS.items():
            print(f"  [{tag}] {text}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
