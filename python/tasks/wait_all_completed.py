"""asyncio.wait(aws), ALL_COMPLETED.  Run: python3 python/tasks/wait_all_completed.py"""
import asyncio


async def fetch(name, steps):
    await asyncio.sleep(0.1 * steps)
    print(f"{name} finished after {steps} step(s)")
    return name


async def fail(message):
    raise ValueError(message)


def state(task):
    return "FAILED" if task.exception() else "SUCCESS"


# @start region="wait-all-completed"
async def main():
    a = asyncio.create_task(fetch("a", 1))
    b = asyncio.create_task(fail("b failed"))
    c = asyncio.create_task(fetch("c", 2))
    done, pending = await asyncio.wait({a, b, c})   # return_when=ALL_COMPLETED
    print(f"a: {state(a)}, b: {state(b)} ({b.exception()}), c: {state(c)}")
    print(f"done: {len(done)}, pending: {len(pending)}")
# @end


asyncio.run(main())
