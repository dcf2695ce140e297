"""task.cancel() inside a TaskGroup.  Run: python3 python/tasks/cancel_in_group.py"""
import asyncio


async def fetch(name, steps):
    await asyncio.sleep(0.1 * steps)
    print(f"{name} finished after {steps} step(s)")
    return name


# @start region="cancel-in-group"
async def main():
    async with asyncio.TaskGroup() as tg:
        task = tg.create_task(asyncio.sleep(86400))
        other = tg.create_task(fetch("other", 1))
        task.cancel()              # this task only: the group goes on
    print("task:", "CancelledError" if task.cancelled() else task.result())
    print("other:", other.result())
# @end


asyncio.run(main())
