"""call_soon dispatch: schedule N trivial callbacks with loop.call_soon, then loop.stop, and run
the loop until all have run (Java: EventLoopDispatch / SideBySide callsoon with EventLoop).

usage: python3 call_soon.py N ROUNDS
prints nanoseconds per callback (schedule + dispatch), one value per round, as a JSON line.
"""
import asyncio
import sys
import time

from common import emit


def one_round(n):
    loop = asyncio.new_event_loop()
    try:
        counter = [0]

        def callback():
            counter[0] += 1

        start = time.perf_counter()
        for _ in range(n):
            loop.call_soon(callback)
        loop.call_soon(loop.stop)
        loop.run_forever()
        elapsed = time.perf_counter() - start
        assert counter[0] == n
        return elapsed / n * 1e9
    finally:
        loop.close()


def main():
    n, rounds = int(sys.argv[1]), int(sys.argv[2])
    one_round(max(n // 10, 1000))  # warm-up
    emit("callsoon", "ns", [one_round(n) for _ in range(rounds)])


if __name__ == "__main__":
    main()
