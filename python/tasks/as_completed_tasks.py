"""async for task in asyncio.as_completed(tasks) (3.13).
Run: python3 python/tasks/as_completed_tasks.py (on 3.11 and 3.12 the same from asyncio.wait)"""
import asyncio
import sys


# @start region="as-completed-tasks"
async def main():
    async with asyncio.TaskGroup() as tg:
        inputs = {tg.create_task(square(n)): n for n in (3, 1, 2)}
        async for task in as_completed(inputs):        # the original tasks: 1, then 2, then 3
            print(f"as_completed yields the task for {inputs[task]}: {task.result()}")


def as_completed(tasks):
    """asyncio.as_completed(tasks) as 3.13 iterates it; before 3.13, its equivalent."""
    if sys.version_info >= (3, 13):
        return asyncio.as_completed(tasks)

    async def completed():                   # 3.11: as_completed yields new awaitables
        pending = set(tasks)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                yield task
    return completed()
# @end


# @start region="square"
async def square(n):
    await asyncio.sleep(0.1 * n)
    return n * n
# @end


asyncio.run(main())
