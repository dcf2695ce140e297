"""Retry, backoff and a deadline.  Run: python3 python/patterns/retry_with_backoff.py"""
import asyncio
import random

from embedded_site import Site, get


# @start region="retry"
def window(number, base=0.02, cap=0.1):
    """The backoff window after failed try `number`: base * 2**(number - 1), at most cap."""
    return min(cap, base * 2 ** (number - 1))


async def retry(attempt, tries=5, retryable=(OSError,)):
    for number in range(1, tries + 1):
        try:
            return await attempt(number)
        except retryable as failure:
            if number == tries:
                raise
            print(f"  try {number} failed ({failure}): backing off")
            await asyncio.sleep(random.uniform(0, window(number)))   # full jitter


async def fetch_with_retries(site):
    windows = ", ".join(str(round(window(n) * 1000)) for n in range(1, 5))
    print(f"backoff windows: {windows} ms, a random wait in each")
    async with asyncio.timeout(1.0):                    # over every try and backoff
        print("/flaky:", await retry(lambda n: attempt(site.url("/flaky"), n)))
    try:
        async with asyncio.timeout(1.0):
            await retry(lambda n: attempt(site.url("/stuck"), n))
    except TimeoutError:
        print("/stuck: gave up at the deadline of 1000 ms")
# @end


# @start region="get"
async def attempt(url, number):
    """One try: the body of a 2xx answer; any other is a failure, worth a retry if 5xx."""
    path = url[url.index("/", len("http://")):]
    print(f"  try {number}: GET {path}")
    status, body = await get(url)
    if status >= 500:
        raise OSError(f"{status} from {path}")
    if status >= 300:
        raise RuntimeError(f"{status} from {path}")
    return body.strip()
# @end


async def main():
    async with await Site.start("api") as site:
        site.fail_first("/flaky", 2, "the answer\n").hang("/stuck")
        await fetch_with_retries(site)
        await site.wait_hang_ups(1)
        print(f"requests to /flaky: {site.requests('/flaky')}, to /stuck: "
              f"{site.requests('/stuck')}, which hung up: {site.hang_ups}")


asyncio.run(main())
