"""Queue.task_done() and Queue.join().  Run: python3 python/queues/task_done_join.py"""
import asyncio


# @start region="queue-join"
async def worker(q, done):
    while True:
        item = await q.get()            # cancel() ends the worker here
        await asyncio.sleep(0.1)        # the work per item
        print(f"item {item} done")
        done.append(item)
        q.task_done()


async def main():
    q = asyncio.Queue()
    for i in range(1, 5):
        q.put_nowait(i)
    done = []
    workers = [asyncio.create_task(worker(q, done)) for _ in range(2)]
    await q.join()                      # every item taken *and* marked done
    print(f"join() returned: {len(done)} of 4 items done")
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    print("workers ended")
# @end


asyncio.run(main())
