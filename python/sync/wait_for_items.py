"""asyncio.Condition and wait_for(predicate).  Run: python3 python/sync/wait_for_items.py"""
import asyncio


# @start region="condition"
class Shelf:
    def __init__(self):
        self.changed = asyncio.Condition()
        self.items = []

    async def await_items(self, n):
        async with self.changed:
            await self.changed.wait_for(lambda: len(self.items) >= n)
            return list(self.items)

    async def put(self, item):
        async with self.changed:
            self.items.append(item)
            self.changed.notify_all()


async def main():
    shelf = Shelf()
    async with asyncio.TaskGroup() as tg:
        consumer = tg.create_task(shelf.await_items(3))
        for i in range(1, 4):
            await shelf.put(i)
            print("put", i)
    print("the consumer got", consumer.result())
    try:
        shelf.changed.notify_all()                      # without holding the lock
    except RuntimeError as e:
        print("notify_all() without the lock:", type(e).__name__)
# @end


asyncio.run(main())
