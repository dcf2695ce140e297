"""asyncio.BoundedSemaphore(2).  Run: python3 python/sync/over_release.py"""
import asyncio


async def holders_at_once(sem):
    """How many could hold sem at once now: takes permits until none is free."""
    held = 0
    while not sem.locked():
        await sem.acquire()
        held += 1
    return held


# @start region="bounded"
async def main():
    plain = asyncio.Semaphore(2)
    await plain.acquire()
    plain.release()
    plain.release()                                  # one release too many: accepted
    print("Semaphore(2) after one release too many:", await holders_at_once(plain),
          "may hold it at once")

    bounded = asyncio.BoundedSemaphore(2)
    await bounded.acquire()
    bounded.release()
    try:
        bounded.release()                            # one release too many: refused
    except ValueError as e:
        print("BoundedSemaphore(2) refuses the release too many:", type(e).__name__)
        print("its message:", e)
    print("BoundedSemaphore(2) after that:", await holders_at_once(bounded),
          "may hold it at once")
# @end


asyncio.run(main())
