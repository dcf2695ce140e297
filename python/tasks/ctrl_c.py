"""asyncio.run(main()) / asyncio.Runner and Ctrl-C.  Run: python3 python/tasks/ctrl_c.py
(add --wait to wait for a real Ctrl-C; the program then exits with status 130)"""
import asyncio
import signal
import sys


class Connection:
    """A resource that says when it is closed."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        print(f"{self.name}: connection closed")


# @start region="ctrl-c"
def until_ctrl_c():
    return main(stand_in=False)          # after Ctrl-C: sys.exit(130), as the shell reports it


def main(stand_in):
    running = []
    interrupted = False
    try:
        with asyncio.Runner() as runner:                  # asyncio.run(serve(...)) alike
            runner.run(serve(running, stand_in))
    except KeyboardInterrupt:
        print("run ended by Ctrl-C")
        interrupted = True
    print("workers still running:", len(running))
    return interrupted


async def serve(running, stand_in):
    working = asyncio.Semaphore(0)
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("a", working, running))
            tg.create_task(worker("b", working, running))
            if stand_in:                 # the recipe presses Ctrl-C: a real SIGINT to itself
                for _ in range(2):
                    await working.acquire()
                signal.raise_signal(signal.SIGINT)
    except asyncio.CancelledError:
        print("main was cancelled")
        raise


async def worker(name, working, running):
    running.append(name)
    try:
        with Connection(name):                            # closed on the way out
            print(f"{name}: working")
            working.release()
            await asyncio.sleep(86400)
    finally:
        running.remove(name)
        print(f"{name}: finally runs")
# @end


if sys.argv[1:] == ["--wait"]:
    print("press Ctrl-C", flush=True)
    sys.exit(130 if until_ctrl_c() else 0)
elif sys.argv[1:]:
    sys.exit("usage: ctrl_c.py [--wait]   (--wait: wait for a real Ctrl-C)")
else:
    signal.signal(signal.SIGINT, signal.default_int_handler)   # even if started ignoring it
    main(stand_in=True)
