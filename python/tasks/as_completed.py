"""asyncio.as_completed(aws).  Run: python3 python/tasks/as_completed.py"""
import asyncio


async def fetch(name, steps):
    await asyncio.sleep(0.1 * steps)
    print(f"{name} finished after {steps} step(s)")
    return name


# @start region="as-completed"
async def main():
    for next_done in asyncio.as_completed([fetch("a", 3), fetch("b", 1), fetch("c", 2)]):
        print("as_completed yields", await next_done)
# @end


asyncio.run(main())
