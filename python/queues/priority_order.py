"""asyncio.PriorityQueue.  Run: python3 python/queues/priority_order.py"""
import asyncio


# @start region="priority-queue"
async def main():
    q = asyncio.PriorityQueue()
    await q.put((3, "low"))
    await q.put((1, "urgent"))
    await q.put((2, "normal"))
    await q.put((1, "also urgent"))     # a tie: the tuples compare by name next
    while not q.empty():
        priority, name = await q.get()
        print(priority, name)
# @end


asyncio.run(main())
