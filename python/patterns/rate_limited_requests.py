"""A token bucket, N requests a second.  Run: python3 python/patterns/rate_limited_requests.py"""
import asyncio
import time

from embedded_site import Site, get


# @start region="token-bucket"
class TokenBucket:
    """At most burst at once, refilled at permits per `per` seconds; times in nanoseconds."""

    def __init__(self, permits, per, burst):
        self.interval = round(per * 1e9) // permits
        self.burst = burst * self.interval
        self.spent_until = time.monotonic_ns()   # tokens are spent up to here: full now

    async def acquire(self):
        while True:
            now = time.monotonic_ns()
            wait = self.spent_until + self.interval - self.burst - now
            if wait <= 0:                        # no await since reading the clock: no lock
                self.spent_until = max(self.spent_until, now) + self.interval
                return now
            await asyncio.sleep(wait / 1e9)


async def send_all(site):
    bucket = TokenBucket(100, 1.0, 10)           # 100 a second, 10 at once
    taken = []

    async def one():
        taken.append(await bucket.acquire())     # waits for a token
        return (await get(site.url("/quote")))[0]

    async with asyncio.TaskGroup() as tg:
        for _ in range(40):
            tg.create_task(one())
    print("40 senders at once, one request each, 100 a second and 10 at once")
    print("the site answered:", site.requests("/quote"))
    print("never more than 10 + 10 in any 100 ms:", most_within(taken, 100_000_000) <= 20)
# @end


def most_within(times, window):
    times, most, first = sorted(times), 0, 0
    for last, t in enumerate(times):
        while t - times[first] > window:
            first += 1
        most = max(most, last - first + 1)
    return most


async def main():
    async with await Site.start("api") as site:
        site.page("/quote", "ok\n")
        await send_all(site)


asyncio.run(main())
