"""shutdown(cancel_futures=True).  Run: python3 python/executors/shutdown_cancel_futures.py"""
import concurrent.futures
import threading

started = threading.Event()
release = threading.Event()


def job(i):
    if i == 0:
        started.set()
        release.wait()
        return "finished"
    return f"job {i}"


# @start region="shutdown-cancel-futures"
def main():
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    jobs = [pool.submit(job, i) for i in range(4)]
    started.wait()                                  # job 0 runs, 1..3 wait in the queue
    pool.shutdown(wait=False, cancel_futures=True)
    release.set()
    pool.shutdown(wait=True)                        # waits for the running one
    print("running job:", jobs[0].result())
    print("cancelled:", sum(job.cancelled() for job in jobs))
# @end


main()
