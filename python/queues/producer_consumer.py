"""asyncio.Queue: a producer and consumers.  Run: python3 python/queues/producer_consumer.py"""
import asyncio

# @start region="queue"
total = count = 0


async def producer(q):
    for i in range(1, 7):
        await q.put(i)                 # waits while the queue is full


async def consumer(q, number):
    global total, count
    while True:
        i = await q.get()              # waits while it is empty
        print(f"consumer {number} got {i}")
        total += i
        count += 1
        await asyncio.sleep(0.1)       # the work per item
        q.task_done()


async def main():
    q = asyncio.Queue(maxsize=2)
    consumers = [asyncio.create_task(consumer(q, n)) for n in (1, 2)]
    await producer(q)
    await q.join()                     # every item taken and done
    for c in consumers:
        c.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)
    print(f"consumed {count} items, total = {total}")
# @end


asyncio.run(main())
