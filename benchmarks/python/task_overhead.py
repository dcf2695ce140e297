"""Task overhead: the round trip of a trivial task (Java: TaskOverhead / SideBySide overhead-*).

thread-pool:  ThreadPoolExecutor(os.cpu_count()).submit(trivial).result()
process-pool: ProcessPoolExecutor(os.cpu_count()).submit(trivial).result(), warmed for >= 5 s first
task:         inside asyncio.run: await asyncio.create_task(trivial_coroutine())
group:        inside asyncio.run: an asyncio.TaskGroup of GROUP trivial tasks, all awaited

usage: python3 task_overhead.py thread-pool|process-pool|task|group OPS ROUNDS [GROUP]
prints microseconds per round trip (per group for `group`), one value per round, as a JSON line.
"""
import asyncio
import concurrent.futures
import os
import sys
import time

from common import emit, warm_up

ANSWER = 42


def trivial():
    return ANSWER


async def trivial_coroutine():
    return ANSWER


def time_pool(executor, ops):
    start = time.perf_counter()
    for _ in range(ops):
        assert executor.submit(trivial).result() == ANSWER
    return (time.perf_counter() - start) / ops * 1e6


async def time_tasks(ops):
    start = time.perf_counter()
    for _ in range(ops):
        assert await asyncio.create_task(trivial_coroutine()) == ANSWER
    return (time.perf_counter() - start) / ops * 1e6


async def time_groups(ops, group):
    start = time.perf_counter()
    for _ in range(ops):
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(trivial_coroutine()) for _ in range(group)]
        assert sum(t.result() for t in tasks) == ANSWER * group
    return (time.perf_counter() - start) / ops * 1e6


def main():
    mode, ops, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    group = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    values = []
    if mode in ("thread-pool", "process-pool"):
        cls = (concurrent.futures.ThreadPoolExecutor if mode == "thread-pool"
               else concurrent.futures.ProcessPoolExecutor)
        with cls(max_workers=os.cpu_count()) as executor:
            if mode == "process-pool":
                warm_up(lambda: time_pool(executor, ops))  # >= 5 s, as the Java side's worker JVMs need
            else:
                time_pool(executor, ops)  # warm-up (one round)
            for _ in range(rounds):
                values.append(time_pool(executor, ops))
    elif mode == "task":
        async def run():
            await time_tasks(ops)
            for _ in range(rounds):
                values.append(await time_tasks(ops))
        asyncio.run(run())
    elif mode == "group":
        async def run():
            await time_groups(ops, group)
            for _ in range(rounds):
                values.append(await time_groups(ops, group))
        asyncio.run(run())
    else:
        sys.exit("unknown mode: " + mode)
    emit("overhead-" + mode, "us", values)


if __name__ == "__main__":
    main()
