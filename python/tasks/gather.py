"""asyncio.gather(*aws): results in the order given.  Run: python3 python/tasks/gather.py"""
import asyncio


async def fetch(name, steps):
    await asyncio.sleep(0.1 * steps)
    print(f"{name} finished after {steps} step(s)")
    return name


# @start region="gather"
async def main():
    results = await asyncio.gather(fetch("a", 3), fetch("b", 1), fetch("c", 2))
    print("results =", results)
# @end


asyncio.run(main())
