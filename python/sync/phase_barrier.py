"""asyncio.Barrier(3) (Python 3.11).  Run: python3 python/sync/phase_barrier.py"""
import asyncio

WORKERS = 3
ROUNDS = 2


# @start region="barrier"
async def worker(name, all_done):
    for r in range(1, ROUNDS + 1):
        print(f"{name} finished round {r}")
        if await all_done.wait() == WORKERS - 1:     # the last to arrive acts for the round
            print(f"round {r}: all {WORKERS} finished")
    return name


async def main():
    all_done = asyncio.Barrier(WORKERS)
    async with asyncio.TaskGroup() as tg:
        for name in ("a", "b", "c"):
            tg.create_task(worker(name, all_done))
# @end


asyncio.run(main())
