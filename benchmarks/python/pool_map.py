"""ProcessPoolExecutor.map over many trivial items (Java: PoolMap / SideBySide map-*).

The items are 0..ITEMS-1, the function returns its item plus one; the pool has os.cpu_count()
workers, started and warmed by untimed rounds for at least 5 s (common.warm_up, the same rule as
the Java side). CHUNKSIZE items travel to a worker as one message and run in one call there;
results come back in item order.

usage: python3 pool_map.py CHUNKSIZE ITEMS ROUNDS
prints microseconds per item, one value per round, as a JSON line.
"""
import concurrent.futures
import os
import sys
import time

from common import emit, warm_up


def plus_one(x):
    return x + 1


def time_map(executor, items, chunksize):
    start = time.perf_counter()
    total = sum(executor.map(plus_one, range(items), chunksize=chunksize))
    elapsed = time.perf_counter() - start
    assert total == items * (items + 1) // 2
    return elapsed / items * 1e6


def main():
    chunksize, items, rounds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    with concurrent.futures.ProcessPoolExecutor(max_workers=os.cpu_count()) as executor:
        warm_up(lambda: time_map(executor, items, chunksize))  # starts the workers
        values = [time_map(executor, items, chunksize) for _ in range(rounds)]
    emit("map-" + str(chunksize), "us", values)


if __name__ == "__main__":
    main()
