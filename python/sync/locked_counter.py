"""asyncio.Lock.  Run: python3 python/sync/locked_counter.py"""
import asyncio

TASKS = 10


# @start region="counter"
class Counter:
    def __init__(self):
        self.lock = asyncio.Lock()
        self.count = 0

    async def increment(self):
        value = self.count
        await asyncio.sleep(0)      # any await lets the other tasks run
        self.count = value + 1

    async def locked_increment(self):
        async with self.lock:
            await self.increment()


async def main():
    unlocked = Counter()
    await asyncio.gather(*(unlocked.increment() for _ in range(TASKS)))
    print(f"without a lock: count = {unlocked.count} after {TASKS} increments")

    locked = Counter()
    await asyncio.gather(*(locked.locked_increment() for _ in range(TASKS)))
    print(f"with a lock:    count = {locked.count} after {TASKS} increments")
# @end


asyncio.run(main())
