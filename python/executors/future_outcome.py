"""Future.exception() / result() / done().  Run: python3 python/executors/future_outcome.py"""
import concurrent.futures


def fail(message):
    raise ValueError(message)


def state(future):
    return "FAILED" if future.exception() else "SUCCESS"


# @start region="future-exception"
def main():
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        ok = pool.submit(lambda: 42)
        bad = pool.submit(fail, "boom")
    print("ok:", state(ok), ok.result())                 # exception() is None
    e = bad.exception()
    print("bad:", state(bad), f"{type(e).__name__}: {e}")
# @end


main()
