"""A three-stage pipeline.  Run: python3 python/patterns/three_stage_pipeline.py"""
import asyncio

from embedded_site import Site, get

END = (0, "")                            # the end of the stream, passed on by every stage


# @start region="stages"
async def produce(out, count, stop):
    """Stage 1: items 1 to count into out, until stop; then the end."""
    for number in range(1, count + 1):
        if stop.is_set():
            break
        await out.put((number, None))    # waits while the queue is full: back-pressure
    await out.put(END)


async def fetch(inq, out, site):
    """Stage 2: each item's page, fetched from the site, until the end, which it passes on."""
    while (item := await inq.get()) is not END:
        status, page = await get(site.url(f"/item/{item[0]}"))
        await out.put((item[0], page))
    await out.put(END)


async def store(inq, stored):
    """Stage 3: keeps every item until the end."""
    while (item := await inq.get()) is not END:
        stored.append(item)
# @end


async def main():
    server_holds = asyncio.Event()       # the slow stage: answers wait for this
    async with await Site.start("items") as site:
        for i in range(1, 11):
            async def held(request, page=f"page {i}"):
                await server_holds.wait()
                return 200, page
            site.route(f"/item/{i}", held)
        # @start region="pipeline"
        ids, pages = asyncio.Queue(maxsize=2), asyncio.Queue(maxsize=2)
        stop, stored = asyncio.Event(), []
        async with asyncio.TaskGroup() as tg:
            tg.create_task(produce(ids, 10, stop))
            tg.create_task(fetch(ids, pages, site))
            tg.create_task(store(pages, stored))
            while not (site.gauge.now == 1 and ids.full()):
                await asyncio.sleep(0.001)
            print("the site holds item 1, ids holds 2 of 2: the producer waits in put()")
            stop.set()                   # a clean shutdown: no new item, and every
            server_holds.set()           # item already made goes through
        print(f"stored {len(stored)} items: [{', '.join(page for _, page in stored)}]")
        # @end
        print(f"the site answered {site.requests()} requests; lost: "
              f"{site.requests() - len(stored)}")


asyncio.run(main())
