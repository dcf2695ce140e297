"""asyncio.LifoQueue.  Run: python3 python/queues/lifo_order.py"""
import asyncio


# @start region="lifo-queue"
async def main():
    stack = asyncio.LifoQueue(maxsize=3)
    for i in range(1, 4):
        await stack.put(i)              # waits while full
    print("full:", stack.full())
    while not stack.empty():
        print("got", await stack.get())     # waits while empty
# @end


asyncio.run(main())
