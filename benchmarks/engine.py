"""Engine throughput: evaluations per second with and without sensitivity, in one run.

Prints its figures and asserts nothing. Run: `.venv/bin/python benchmarks/engine.py [--quick]`.
Aim: a full evaluation (sensitivity and cost included) under 5 ms on the reference machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from advisor.answers import validate_answers  # noqa: E402
from advisor.engine import costs, evaluate, workload_for_costs  # noqa: E402
from advisor.framework import default_framework  # noqa: E402
from tests.conftest import BASE_ANSWERS, STEADY_ANSWERS  # noqa: E402


def _time(call: Callable[[], object], rounds: int, repeat: int) -> float:
    """Seconds per call in the fastest of `repeat` batches of `rounds` calls: on a shared
    machine other work only ever adds time, so the fastest batch is the least disturbed (the
    reasoning behind `timeit`'s advice to take the minimum)."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(rounds):
            call()
        samples.append((time.perf_counter() - start) / rounds)
    return min(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for CI")
    args = parser.parse_args()
    rounds, repeat = (30, 7) if args.quick else (200, 11)

    framework = default_framework()
    workloads = {
        "spiky API": validate_answers(framework, BASE_ANSWERS),
        "steady service": validate_answers(framework, STEADY_ANSWERS),
    }
    print(f"engine benchmark: {rounds} calls x {repeat} batches, fastest batch per call")
    for name, answers in workloads.items():
        evaluate(framework, answers)  # warm the compiled framework
        full = _time(lambda a=answers: evaluate(framework, a), rounds, repeat)
        bare = _time(
            lambda a=answers: evaluate(framework, a, with_sensitivity=False), rounds, repeat
        )
        cost = _time(
            lambda a=answers: costs(framework, a, workload_for_costs(framework, a), []),
            rounds,
            repeat,
        )
        print(
            f"  {name:15} full {full * 1000:6.2f} ms ({1 / full:7.0f}/s)"
            f" | no sensitivity {bare * 1000:6.2f} ms ({1 / bare:7.0f}/s)"
            f" | cost model alone {cost * 1000:6.2f} ms"
            f" | sensitivity costs {full / bare:4.2f}x"
            f" | aim 5 ms: {'met' if full < 0.005 else 'missed'}"
        )


if __name__ == "__main__":
    main()
