""""Task exception was never retrieved".  Run: python3 python/tasks/never_retrieved.py"""
import asyncio
import gc


async def fail(message):
    raise ValueError(message)


def describe(e):
    return f"{type(e).__name__}: {e}"


# @start region="never-retrieved"
def handler(loop, context):      # context["message"] is "Task exception was never retrieved"
    print(f"handler: {context['future'].get_name()} failed: {describe(context['exception'])}")


async def main():
    asyncio.get_running_loop().set_exception_handler(handler)
    task = asyncio.create_task(fail("boom"), name="fire-and-forget")
    await asyncio.wait([task])
    del task                           # the handler runs when the failed task is collected
    gc.collect()
    kept = asyncio.create_task(fail("kept"))
    await asyncio.wait([kept])
    print("retrieved:", describe(kept.exception()))      # asking for it: nothing is logged
# @end


asyncio.run(main())
