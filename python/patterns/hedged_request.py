"""Hedged requests with asyncio.wait.  Run: python3 python/patterns/hedged_request.py"""
import asyncio

from embedded_site import Site, get


# @start region="hedge"
async def hedged(tries, delay):
    """The first success of tries; the next starts if none answered in delay, or one failed."""
    pending, failure = set(), None
    try:
        for number, attempt in enumerate(tries, 1):
            pending.add(asyncio.create_task(attempt()))
            last = number == len(tries)
            while pending:
                done, pending = await asyncio.wait(pending, timeout=None if last else delay,
                                                   return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    if task.exception() is None:
                        return task.result()
                    failure = failure or task.exception()
                if not last:
                    break                # no answer in time, or a failure: start the next
        raise failure
    finally:
        for task in pending:             # the losers
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


async def price(slow, fast):
    answer = await hedged([lambda: ask(slow, "/price"), lambda: ask(fast, "/price")],
                          delay=0.05)    # no answer in 50 ms: ask again
    print(f"price {answer}: the first answer wins")
# @end


# @start region="ask"
async def ask(replica, path):
    print("asking", replica.name)
    try:
        status, body = await get(replica.url(path))
        if status != 200:
            raise OSError(f"{status} from {replica.name}")
        print(replica.name, "answered")
        return body.strip()
    except asyncio.CancelledError:
        print(f"{replica.name}: request cancelled")
        raise
# @end


async def main():
    slow_has_it = asyncio.Event()        # replica-b answers once replica-a has the request

    async def hold(request):
        slow_has_it.set()
        await request.hang_up()

    async def answer(request):
        await slow_has_it.wait()
        return 200, "42\n"

    async with await Site.start("replica-a") as slow, await Site.start("replica-b") as fast:
        slow.route("/price", hold)
        fast.route("/price", answer)
        await price(slow, fast)
        await slow.wait_hang_ups(1)
        print(f"replica-a saw its client hang up: {slow.hang_ups} time(s)")
        print(f"requests: replica-a {slow.requests()}, replica-b {fast.requests()}")


asyncio.run(main())
