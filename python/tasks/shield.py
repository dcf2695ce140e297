"""asyncio.shield(aw).  Run: python3 python/tasks/shield.py"""
import asyncio


async def fail(message):
    raise ValueError(message)


async def save(group_done):
    await group_done.wait()          # so that it visibly outlives the group
    await asyncio.sleep(0.1)
    print("save finished")
    return "saved"


# @start region="shield"
async def handler(save_task):
    try:
        return await asyncio.shield(save_task)   # cancelling handler leaves save running
    except asyncio.CancelledError:
        print("handler was cancelled; save goes on")
        raise


async def main():
    group_done = asyncio.Event()
    save_task = asyncio.create_task(save(group_done))
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(handler(save_task))
            tg.create_task(fail("client went away"))
    except* ValueError as group:
        print("group failed:", group.exceptions[0])
    group_done.set()
    print("save done yet:", save_task.done())
    print("save result:", await save_task)
# @end


asyncio.run(main())
