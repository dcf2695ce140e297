"""asyncio.wait_for / asyncio.timeout.  Run: python3 python/tasks/wait_for.py"""
import asyncio


async def slow(name):
    try:
        await asyncio.sleep(86400)
    except asyncio.CancelledError:
        print(f"{name} was cancelled")
        raise


async def fast():
    return "fast result"


# @start region="wait-for"
async def main():
    try:
        await asyncio.wait_for(slow("slow"), timeout=0.2)   # or: asyncio.timeout(0.2)
    except TimeoutError:
        print("timed out after 200 ms")
    print("in time:", await asyncio.wait_for(fast(), timeout=30))
# @end


asyncio.run(main())
