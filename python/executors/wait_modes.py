"""concurrent.futures.wait(fs, return_when=...).  Run: python3 python/executors/wait_modes.py"""
from concurrent.futures import (ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION,
                                ThreadPoolExecutor, wait)
import threading


def fail(message):
    raise ValueError(message)


# @start region="futures-wait"
def main():
    release = threading.Event()
    with ThreadPoolExecutor(max_workers=3) as pool:
        slow = pool.submit(release.wait)                   # blocks until released
        fast = pool.submit(lambda: "fast")
        done, pending = wait([slow, fast], return_when=FIRST_COMPLETED)
        print("FIRST_COMPLETED:", done.pop().result() + ", pending", len(pending))

        failing = pool.submit(fail, "boom")
        done, pending = wait([slow, failing], return_when=FIRST_EXCEPTION)
        print("FIRST_EXCEPTION:", str(failing.exception()) + ", pending", len(pending))
        release.set()
        done, pending = wait([slow, fast, failing], return_when=ALL_COMPLETED)
    print("ALL_COMPLETED: pending", len(pending))
# @end


main()
