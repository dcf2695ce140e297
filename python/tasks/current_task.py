"""asyncio.current_task() / all_tasks() / task names.
Run: python3 python/tasks/current_task.py"""
import asyncio


# @start region="current-task"
async def main():
    started, listed = asyncio.Semaphore(0), asyncio.Event()
    async with asyncio.TaskGroup() as tg:
        for i in range(2):
            tg.create_task(work(started, listed), name=f"worker-{i}")
        for _ in range(2):
            await started.acquire()
        names = sorted(t.get_name() for t in asyncio.all_tasks())
        print("all_tasks:", [name for name in names if name.startswith("worker-")])
        listed.set()
# @end


# @start region="work"
async def work(started, listed):
    print("current_task:", asyncio.current_task().get_name())
    started.release()
    await listed.wait()
# @end


asyncio.run(main())
