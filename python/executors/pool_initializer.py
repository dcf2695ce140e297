"""ThreadPoolExecutor(initializer=...).  Run: python3 python/executors/pool_initializer.py"""
import concurrent.futures
import itertools
import threading

both_running = threading.Barrier(2)      # so two workers must exist
connection = threading.local()


def use_connection():
    both_running.wait()
    return connection.name


# @start region="executor-initializer"
def main():
    initialized = itertools.count(1)

    def initializer(kind):
        connection.name = f"{kind} connection {next(initialized)}"

    with concurrent.futures.ThreadPoolExecutor(2, initializer=initializer,
                                               initargs=("db",)) as pool:
        a = pool.submit(use_connection)
        b = pool.submit(use_connection)
        print("two connections:", a.result() != b.result())
    print("initializer ran", next(initialized) - 1, "times")
# @end


main()
