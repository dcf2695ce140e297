"""executor.map(fn, items, buffersize=2) (3.14).  Run: python3 python/executors/bounded_map.py"""
import collections
import concurrent.futures
import sys
import threading

lock = threading.Lock()
in_flight = most = 0


def square(x):
    global in_flight, most
    with lock:
        in_flight += 1
        most = max(most, in_flight)
    try:
        return x * x
    finally:
        with lock:
            in_flight -= 1


def bounded_map(pool, fn, items, buffersize):
    """pool.map(fn, items, buffersize=...) on 3.14; the same bounded window before it."""
    if sys.version_info >= (3, 14):
        yield from pool.map(fn, items, buffersize=buffersize)
        return
    window = collections.deque()
    for item in items:
        if len(window) == buffersize:
            yield window.popleft().result()
        window.append(pool.submit(fn, item))
    while window:
        yield window.popleft().result()


# @start region="map-buffersize"
def main():
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        squares = list(bounded_map(pool, square, range(1, 9), buffersize=2))
    print("results =", squares)
    print("never more than 2 at once:", most <= 2)
# @end


main()
