"""gather(*aws, return_exceptions=True).  Run: python3 python/tasks/gather_return_exceptions.py"""
import asyncio


async def ok(x):
    return x


async def fail(message):
    raise ValueError(message)


# @start region="gather-return-exceptions"
async def main():
    results = await asyncio.gather(ok(1), fail("boom"), ok(3), return_exceptions=True)
    for i, r in enumerate(results, 1):
        if isinstance(r, BaseException):
            print(f"task {i}: exception {type(r).__name__}: {r}")
        else:
            print(f"task {i}: value {r}")
# @end


asyncio.run(main())
