"""asyncio.create_subprocess_exec.  Run: python3 python/subprocess/exec_streams.py"""
import asyncio
from asyncio.subprocess import DEVNULL, PIPE

# @start region="child"
CHILD = """
echo started
echo 'a warning' >&2
row=0123456789; row=$row$row$row$row$row$row$row$row$row
i=0
while [ $i -lt 1000 ]; do
    echo "out $i $row"
    echo "err $i $row" >&2
    i=$((i + 1))
done
exit 3
"""
# @end


# @start region="exec"
async def read(name, pipe):
    lines = size = 0
    async for line in pipe:             # each line as soon as it arrives
        if lines == 0:
            print(f"{name} says: {line.decode().rstrip()}")
        lines += 1
        size += len(line)
    return f"{name}: {lines} lines, {size} bytes"


async def main():
    proc = await asyncio.create_subprocess_exec("sh", "-c", CHILD,
                                                stdin=DEVNULL, stdout=PIPE, stderr=PIPE)
    async with asyncio.TaskGroup() as tg:       # a reader per pipe, both at once
        stdout = tg.create_task(read("stdout", proc.stdout))
        stderr = tg.create_task(read("stderr", proc.stderr))
    print(stdout.result())
    print(stderr.result())
    print("exit code:", await proc.wait())
# @end


asyncio.run(main())
