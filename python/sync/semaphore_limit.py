"""asyncio.Semaphore(3): bounded concurrency.  Run: python3 python/sync/semaphore_limit.py"""
import asyncio

# @start region="semaphore"
inside = most = finished = 0


async def fetch(sem):
    global inside, most, finished
    async with sem:
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.1)
        inside -= 1
    finished += 1


async def main():
    sem = asyncio.Semaphore(3)
    await asyncio.gather(*(fetch(sem) for _ in range(10)))
    print("finished:", finished)
    print("never more than 3 inside:", most <= 3)
# @end


asyncio.run(main())
