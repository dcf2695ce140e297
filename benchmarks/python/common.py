"""Shared helpers of the CPython side: timing rounds and one JSON line of results.

Each program prints exactly one JSON object on stdout, in the same shape as the Java side
(dev.loomcookbook.benchmarks.SideBySide): {"case", "impl", "unit", "values", "peak_rss_kb"}.
"""
import json
import platform
import sys


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
