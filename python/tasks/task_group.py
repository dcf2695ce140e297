"""async with asyncio.TaskGroup() (3.11).  Run: python3 python/tasks/task_group.py"""
import asyncio


async def slow(name):
    try:
        await asyncio.sleep(86400)
    except asyncio.CancelledError:
        print(f"{name} was cancelled")
        raise


async def fail(message):
    raise ValueError(message)


# @start region="task-group"
async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(slow("slow"))
            tg.create_task(fail("boom"))
    except* ValueError as group:            # an ExceptionGroup
        for failure in group.exceptions:
            print(f"failed: {type(failure).__name__}: {failure}")
# @end


asyncio.run(main())
