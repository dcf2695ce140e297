"""A timeout that kills the child.  Run: python3 python/subprocess/kill_on_timeout.py"""
import asyncio
from asyncio.subprocess import DEVNULL, PIPE


async def print_lines(pipe):
    async for line in pipe:
        print("stdout:", line.decode().rstrip())


# @start region="timeout"
async def wait_or_kill(proc, timeout):
    try:
        return await asyncio.wait_for(proc.wait(), timeout)
    except TimeoutError:
        print(f"still running after {timeout * 1000:.0f} ms: kill it")
        proc.kill()                     # SIGKILL
        return await proc.wait()        # ended and reaped


async def main():
    # exec: sh becomes sleep, so no grandchild outlives the kill or holds the pipe open
    proc = await asyncio.create_subprocess_exec("sh", "-c", "echo working; exec sleep 60",
                                                stdin=DEVNULL, stdout=PIPE)
    line = await proc.stdout.readline()
    print("stdout:", line.decode().rstrip())   # it has started: the timeout counts from now
    async with asyncio.TaskGroup() as tg:
        tg.create_task(print_lines(proc.stdout))   # ends when the pipe closes
        print("exit code:", await wait_or_kill(proc, 0.2))
# @end


asyncio.run(main())
