"""contextvars.ContextVar: who sees it.  Run: python3 python/tasks/context_vars.py"""
import asyncio
import contextvars
import threading

# @start region="contextvars"
request_id = contextvars.ContextVar("request_id", default="(unbound)")


def handle(who):
    return f"{who} sees {request_id.get()}"


async def handle_task(who):
    return handle(who)


async def main():
    request_id.set("req-42")
    for line in await asyncio.gather(handle_task("task 1"), handle_task("task 2")):
        print(line)                                       # tasks copy the context
    plain = threading.Thread(target=lambda: print(handle("a plain thread")))
    plain.start()
    plain.join()
    print(await asyncio.to_thread(handle, "to_thread"))   # copies the context
    loop = asyncio.get_running_loop()
    print(await loop.run_in_executor(None, handle, "run_in_executor"))   # does not
# @end


asyncio.run(main())
