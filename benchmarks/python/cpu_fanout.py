"""CPU fan-out, the book's pooling workload (Java: CpuFanOut / SideBySide cpu-*).

count(item, n) is the book's loop, `for i in range(n): count += 1`, returning n * item; the Java
kernel (CpuWork.count) does the same number of iterations of a xorshift step that the JIT cannot
fold. Items 1..tasks run sequentially, on a ThreadPoolExecutor(5), or on a ProcessPoolExecutor
(5 or os.cpu_count() workers, started and warmed before timing).

usage: python3 cpu_fanout.py sequential|threads5|processes5|processes-cores TASKS ITERATIONS ROUNDS
prints seconds per batch, one value per round, as a JSON line.
"""
import concurrent.futures
import os
import sys
import time

from common import emit


def count(item, n):
    count = 0
    for i in range(n):
        count += 1
    return count * item


def batch(executor, tasks, n):
    if executor is None:
        return sum(count(item, n) for item in range(1, tasks + 1))
    futures = [executor.submit(count, item, n) for item in range(1, tasks + 1)]
    return sum(f.result() for f in futures)


def main():
    mode, tasks, n, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    if mode == "sequential":
        executor = None
    elif mode == "threads5":
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=5)
    elif mode == "processes5":
        executor = concurrent.futures.ProcessPoolExecutor(max_workers=5)
    elif mode == "processes-cores":
        executor = concurrent.futures.ProcessPoolExecutor(max_workers=os.cpu_count())
    else:
        sys.exit("unknown mode: " + mode)
    try:
        batch(executor, tasks, n)  # warm-up: starts the workers
        values = []
        for _ in range(rounds):
            start = time.perf_counter()
            result = batch(executor, tasks, n)
            values.append(time.perf_counter() - start)
            assert result == n * tasks * (tasks + 1) // 2
    finally:
        if executor is not None:
            executor.shutdown()
    emit("cpu-" + mode, "s", values)


if __name__ == "__main__":
    main()
