"""concurrent.futures.as_completed(fs).  Run: python3 python/executors/completion_order.py"""
import concurrent.futures
import time


def fetch(name, steps):
    time.sleep(0.1 * steps)
    print(f"{name} finished after {steps} step(s)")
    return name


# @start region="futures-as-completed"
def main():
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(fetch, "a", 3), pool.submit(fetch, "b", 1),
                   pool.submit(fetch, "c", 2)]
        for future in concurrent.futures.as_completed(futures):
            print("as_completed gives", future.result())      # b, c, a
# @end


main()
