"""await asyncio.sleep(0).  Run: python3 python/sync/yield_to_others.py"""
import asyncio

MAX_CHUNKS = 1_000_000            # an upper bound only: compute() stops once the heartbeat ran
beat = computed = False           # the heartbeat has run; compute() has returned


# @start region="yield"
async def compute(stop):
    checksum = 0
    for chunk in range(MAX_CHUNKS):
        if stop():
            break
        checksum += sum(range(1_000))              # a slice of CPU work
        await asyncio.sleep(0)                     # let the loop run the other tasks
    return checksum


async def heartbeat(computing):
    global beat
    await computing.wait()
    during = not computed
    beat = True
    return during


async def computer(computing):
    global computed
    computing.set()
    checksum = await compute(lambda: beat)
    computed = True
    return checksum


async def main():
    computing = asyncio.Event()
    async with asyncio.TaskGroup() as tg:
        beating = tg.create_task(heartbeat(computing))
        tg.create_task(computer(computing))
    print("the heartbeat ran while compute() was still working:", beating.result())
# @end


asyncio.run(main())
