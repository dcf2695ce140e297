"""HTTP race, the aiohttp side: N GETs at once with one aiohttp.ClientSession, on asyncio or uvloop
(Java: HttpRaceClient, the http demo's Fetcher on virtual threads).

The session's connector has no connection limit (aiohttp's default is 100), so every request can
have its own connection, as on the Java side. WARM batches warm the connection pool, then ROUNDS
batches are timed, each from the first request sent to the last body read.

usage: python3 http_client.py URL N WARM ROUNDS asyncio|uvloop
prints one JSON line: {"case", "impl", "unit", "values", "peak_rss_kb"}; exits 3 when aiohttp (or
uvloop) cannot be imported, so the caller can skip the case with a note.
"""
import asyncio
import json
import sys
import time

from common import peak_rss_kb

try:
    import aiohttp
except ImportError:
    sys.exit(3)


async def batch(session, url, n):
    async def fetch():
        async with session.get(url) as response:
            body = await response.read()
            assert response.status == 200, response.status
            return len(body)

    start = time.perf_counter()
    sizes = await asyncio.gather(*(fetch() for _ in range(n)))
    elapsed = time.perf_counter() - start
    assert len(sizes) == n and all(sizes)
    return elapsed


async def race(url, n, warm, rounds):
    # ClientTimeout(total=...) covers each request whole, body included.
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as session:
        for _ in range(warm):
            await batch(session, url, n)
        return [await batch(session, url, n) for _ in range(rounds)]


def main():
    url, n, warm, rounds, loop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    impl = "aiohttp %s on asyncio, Python %s" % (aiohttp.__version__, sys.version.split()[0])
    if loop == "uvloop":
        try:
            import uvloop
        except ImportError:
            sys.exit(3)
        uvloop.install()
        impl = "aiohttp %s on uvloop %s, Python %s" % (aiohttp.__version__, uvloop.__version__, sys.version.split()[0])
    values = asyncio.run(race(url, n, warm, rounds))
    print(json.dumps({"case": "aiohttp-" + loop, "impl": impl, "unit": "s", "values": values,
                      "peak_rss_kb": peak_rss_kb()}))


if __name__ == "__main__":
    main()
