"""asyncio.to_thread(fn, *args).  Run: python3 python/sync/blocking_calls.py"""
import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

CALLS = 100


# @start region="blocking"
def blocking_call(all_blocked):
    """Stands for any blocking call: a socket read, a database query, time.sleep."""
    all_blocked.wait(timeout=30)            # opens once all the calls block here at once
    return "done"


def count(item, iterations):
    """CPU work: to_thread takes it off the loop, but the GIL runs one thread at a time."""
    total = 0
    for _ in range(iterations):
        total += item
    return total, threading.current_thread() is not threading.main_thread()


async def main():
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(CALLS))       # a thread for each call at once
    all_blocked = threading.Barrier(CALLS)
    results = await asyncio.gather(
        *(asyncio.to_thread(blocking_call, all_blocked) for _ in range(CALLS)))
    print(f"all {results.count('done')} blocking calls were blocked at once")

    result, off_caller = await asyncio.to_thread(count, 7, 100_000)
    print("CPU work ran off the caller's thread, on the pool:", off_caller)
    print("its result:", result)
# @end


asyncio.run(main())
