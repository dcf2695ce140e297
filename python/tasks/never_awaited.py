""""coroutine ... was never awaited".  Run: python3 python/tasks/never_awaited.py"""
import asyncio
import gc
import warnings


# @start region="never-awaited"
async def main():
    fetched = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fetch(fetched)                    # the mistake: no await (the coroutine never runs)
        gc.collect()                      # RuntimeWarning: coroutine 'fetch' was never awaited
    print("mistake reported as", caught[0].category.__name__)
    print("fetch ran to the end:", bool(fetched))
# @end


# @start region="fetch"
async def fetch(fetched):
    await asyncio.sleep(86400)
    fetched.append(True)
# @end


asyncio.run(main())
