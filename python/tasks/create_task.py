"""asyncio.create_task(coro) / await task.  Run: python3 python/tasks/create_task.py"""
import asyncio


# @start region="create-task"
async def compute(x):
    await asyncio.sleep(0.1)
    return x * 2


async def main():
    task = asyncio.create_task(compute(21))
    print("main goes on while the task runs")
    print("task result =", await task)
# @end


asyncio.run(main())
