"""put_nowait, get_nowait, get with a timeout.  Run: python3 python/queues/no_wait.py"""
import asyncio


def put_now(q, item):
    try:
        q.put_nowait(item)
        return "ok"
    except asyncio.QueueFull:
        return "full"


def get_now(q):
    try:
        return q.get_nowait()
    except asyncio.QueueEmpty:
        return "empty"


# @start region="queue-nowait"
async def main():
    q = asyncio.Queue(maxsize=1)
    print("put 1 without waiting:", put_now(q, 1))     # put_nowait: ok
    print("put 2 without waiting:", put_now(q, 2))     # raises QueueFull
    print("get without waiting:", get_now(q))          # get_nowait: 1
    print("get without waiting:", get_now(q))          # raises QueueEmpty
    try:
        late = await asyncio.wait_for(q.get(), timeout=0.1)
    except TimeoutError:
        late = "timed out"
    print("get within 100 ms:", late)
    asyncio.get_running_loop().call_soon(q.put_nowait, 7)   # someone else puts an item
    print("get within 30 s:", await asyncio.wait_for(q.get(), timeout=30))
# @end


asyncio.run(main())
