"""Queue.shutdown(immediate=...) and QueueShutDown.  Run: python3 python/queues/queue_shutdown.py

Queue.shutdown is new in Python 3.13. On 3.11 and 3.12 this file runs the same code on a backport
below: a subclass of asyncio.Queue that does what 3.13's shutdown, put and get do.
"""
import asyncio
import sys

if sys.version_info >= (3, 13):
    from asyncio import Queue, QueueShutDown
else:
    class QueueShutDown(Exception):
        """3.13's asyncio.QueueShutDown."""

    class Queue(asyncio.Queue):
        """asyncio.Queue with 3.13's shutdown(immediate): its put, get and shutdown, as 3.13's."""

        _is_shutdown = False

        def shutdown(self, immediate=False):
            self._is_shutdown = True
            if immediate:
                while not self.empty():
                    self._get()
                    if self._unfinished_tasks > 0:
                        self._unfinished_tasks -= 1
                if self._unfinished_tasks == 0:
                    self._finished.set()
            for waiters in (self._getters, self._putters):
                while waiters:
                    waiter = waiters.popleft()
                    if not waiter.done():
                        waiter.set_result(None)

        async def _wait(self, waiters, still_waiting):
            waiter = self._get_loop().create_future()
            waiters.append(waiter)
            try:
                await waiter
            except BaseException:
                waiter.cancel()
                if waiter in waiters:
                    waiters.remove(waiter)
                if not still_waiting() and not waiter.cancelled():
                    self._wakeup_next(waiters)   # woken, but cannot take the call: pass it on
                raise

        async def put(self, item):
            while self.full():
                if self._is_shutdown:
                    raise QueueShutDown
                await self._wait(self._putters, self.full)
            return self.put_nowait(item)

        def put_nowait(self, item):
            if self._is_shutdown:
                raise QueueShutDown
            super().put_nowait(item)

        async def get(self):
            while self.empty():
                if self._is_shutdown:
                    raise QueueShutDown
                await self._wait(self._getters, self.empty)
            return self.get_nowait()

        def get_nowait(self):
            if self.empty() and self._is_shutdown:
                raise QueueShutDown
            return super().get_nowait()


# @start region="shutdown"
async def consume(q):
    try:
        while True:
            item = await q.get()
            print(f"got {item}")
            q.task_done()
    except QueueShutDown:
        print("consumer ends: the queue is shut down and empty")


async def graceful():
    q = Queue(maxsize=10)               # asyncio.Queue (3.13)
    async with asyncio.TaskGroup() as tg:
        tg.create_task(consume(q))
        for i in range(1, 4):
            await q.put(i)
        q.shutdown()                    # no more puts; the items in it still come out
    try:
        await q.put(4)
    except QueueShutDown:
        print("put(4): the queue is shut down")
# @end


# @start region="immediate"
async def immediate():
    backlog = Queue(maxsize=10)
    for i in range(1, 4):
        await backlog.put(i)
    in_hand = await backlog.get()       # taken, not yet done
    backlog.shutdown(immediate=True)    # 2 and 3 are dropped, and count as done
    print(f"left after shutdown(immediate=True): {backlog.qsize()}")
    try:
        await backlog.get()
    except QueueShutDown:
        print("one more: the queue is shut down")
    print(f"done with {in_hand}")
    backlog.task_done()
    await backlog.join()                # nothing is left unfinished
    print("join() returned")
# @end


async def main():
    await graceful()
    await immediate()


asyncio.run(main())
