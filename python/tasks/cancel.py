"""task.cancel(): cancel one task, keep the others.  Run: python3 python/tasks/cancel.py"""
import asyncio


async def fetch(name, steps):
    await asyncio.sleep(0.1 * steps)
    print(f"{name} finished after {steps} step(s)")
    return name


# @start region="cancel"
async def main():
    task = asyncio.create_task(asyncio.sleep(86400))
    other = asyncio.create_task(fetch("other", 1))
    task.cancel()                  # only this task gets CancelledError
    await asyncio.wait({task})
    print("task:", "CANCELLED" if task.cancelled() else "not cancelled")
    print("other:", await other)
# @end


asyncio.run(main())
