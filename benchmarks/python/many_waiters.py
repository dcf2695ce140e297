"""Many waiters: N asyncio tasks each awaiting its own asyncio.sleep(SLEEP_MS)
(Java: ManyWaiters / SideBySide sleepers-N, one virtual thread per waiter).

One fresh process per size, so the peak RSS (VmHWM) is that size's: a warm-up batch of N/10
(at least 1,000) waiters, then one measured batch of N.

usage: python3 many_waiters.py N SLEEP_MS
prints the seconds of the measured batch and the process's peak RSS as a JSON line.
"""
import asyncio
import sys
import time

from common import emit


async def waiter(seconds):
    await asyncio.sleep(seconds)
    return 1


async def batch(n, seconds):
    start = time.perf_counter()
    done = sum(await asyncio.gather(*(waiter(seconds) for _ in range(n))))
    elapsed = time.perf_counter() - start
    assert done == n
    return elapsed


def main():
    n, sleep_ms = int(sys.argv[1]), int(sys.argv[2])
    asyncio.run(batch(max(n // 10, 1000), sleep_ms / 1000))
    emit("sleepers-%d" % n, "s", [asyncio.run(batch(n, sleep_ms / 1000))])


if __name__ == "__main__":
    main()
