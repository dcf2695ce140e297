"""A TaskGroup cancelled from outside.  Run: python3 python/tasks/cancel_from_outside.py"""
import asyncio


async def work(name, started):
    started.release()
    try:
        await asyncio.sleep(86400)
    except asyncio.CancelledError:
        print(f"{name} was cancelled")
        raise


# @start region="cancel-from-outside"
async def main():
    started = asyncio.Semaphore(0)
    group_task = asyncio.create_task(group(started))
    for _ in range(2):
        await started.acquire()
    group_task.cancel()               # Python 3.15 also has tg.cancel(), which ends it quietly
    try:
        await group_task
    except asyncio.CancelledError:
        pass
    print("group task ended")
# @end


# @start region="group"
async def group(started):
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(work("a", started))
            tg.create_task(work("b", started))
    except asyncio.CancelledError:   # the group has cancelled a and b by now
        print("the group was cancelled from outside")
        raise
# @end


asyncio.run(main())
