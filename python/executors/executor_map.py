"""ThreadPoolExecutor.map(fn, items, timeout=).  Run: python3 python/executors/executor_map.py"""
import concurrent.futures
import threading

release = threading.Event()


# @start region="executor-map"
def square(x):
    if x == 4:
        release.wait()          # item 4 is slow: main releases it (no interrupt in Python)
    return x * x


def main():
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        # one deadline from the call: long enough for items 1 to 3 on a busy machine
        results = pool.map(square, [1, 2, 3, 4, 5], timeout=2)
        next_result = 0
        try:
            for r in results:
                next_result += 1
                print("result", r)
        except TimeoutError:
            print("timed out waiting for result", next_result + 1)
        finally:
            release.set()
    print("map done")
# @end


main()
