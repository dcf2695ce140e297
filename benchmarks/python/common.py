"""Shared helpers of the CPython side: timing rounds and one JSON line of results.

Each program prints exactly one JSON object on stdout, in the same shape as the Java side
(dev.loomcookbook.benchmarks.SideBySide): {"case", "impl", "unit", "values", "peak_rss_kb"}.
"""
import json
import platform
import sys
import time

WARM_UP_SECONDS = 5.0


def warm_up(run_once, seconds=WARM_UP_SECONDS):
    """Runs run_once() until `seconds` have passed (at least once), untimed: the same rule as the Java
    side (SideBySide.warmUp), whose worker JVMs need it to compile their code."""
    start = time.perf_counter()
    run_once()
    while time.perf_counter() - start < seconds:
        run_once()


def peak_rss_kb():
    """VmHWM (peak resident set size) of this process, in kB; None where /proc is missing."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def emit(case, unit, values):
    print(json.dumps({
        "case": case,
        "impl": "cpython " + platform.python_version(),
        "unit": unit,
        "values": values,
        "peak_rss_kb": peak_rss_kb(),
    }))
    sys.stdout.flush()
