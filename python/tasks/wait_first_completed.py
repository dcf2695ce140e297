"""asyncio.wait(FIRST_COMPLETED).  Run: python3 python/tasks/wait_first_completed.py"""
import asyncio


async def slow(name):
    try:
        await asyncio.sleep(86400)
    except asyncio.CancelledError:
        print(f"{name} was cancelled")
        raise


async def fast():
    return "fast result"


# @start region="wait-first-completed"
async def main():
    slow_task = asyncio.create_task(slow("slow"))
    fast_task = asyncio.create_task(fast())
    done, pending = await asyncio.wait({slow_task, fast_task},
                                       return_when=asyncio.FIRST_COMPLETED)
    print("done:", fast_task.result())
    print("pending: slow, still running")   # until it is cancelled:
    for task in pending:
        task.cancel()
    await asyncio.wait(pending)
# @end


asyncio.run(main())
