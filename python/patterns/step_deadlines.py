"""Nested asyncio.timeout blocks.  Run: python3 python/patterns/step_deadlines.py"""
import asyncio

from embedded_site import Site, get


# @start region="step-timeout"
async def three_steps(site):
    try:
        async with asyncio.timeout(1.5):                 # overall
            for path in ("/cart", "/recommendations", "/reviews"):
                print(f"{path}: {await step(site.url(path), 1.0)}")
    except TimeoutError:
        print("overall deadline of 1500 ms passed: the step in flight was cancelled")
# @end


# @start region="step"
async def step(url, timeout):
    """One step with its own timeout, inside the overall one."""
    try:
        async with asyncio.timeout(timeout):
            status, body = await get(url)
            return body.strip()
    except TimeoutError:                                 # this step's own timeout only: the
        return f"skipped, no answer within {round(timeout * 1000)} ms"   # overall one passes
# @end


async def main():
    async with await Site.start("shop") as site:
        site.page("/cart", "3 items\n").hang("/recommendations").hang("/reviews")
        await three_steps(site)
        await site.wait_hang_ups(2)
        print(f"the site saw {site.hang_ups} clients hang up")


asyncio.run(main())
