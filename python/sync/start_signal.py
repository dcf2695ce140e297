"""asyncio.Event.  Run: python3 python/sync/start_signal.py"""
import asyncio


# @start region="event"
async def worker(name, go):
    await go.wait()
    print(f"{name} goes")
    return name


async def main():
    go = asyncio.Event()
    async with asyncio.TaskGroup() as tg:
        for name in ("a", "b", "c"):
            tg.create_task(worker(name, go))
        print("is_set:", go.is_set())
        try:
            await asyncio.wait_for(go.wait(), 0.1)
            in_time = True
        except TimeoutError:
            in_time = False
        print("set within 100 ms:", in_time)
        go.set()
    print("is_set:", go.is_set())
# @end


asyncio.run(main())
