"""proc.communicate(input).  Run: python3 python/subprocess/communicate_input.py"""
import asyncio
from asyncio.subprocess import PIPE


# @start region="communicate"
async def main():
    data = b"hello from the parent\n" * 5000
    proc = await asyncio.create_subprocess_exec("tr", "a-z", "A-Z",
                                                stdin=PIPE, stdout=PIPE, stderr=PIPE)
    stdout, stderr = await proc.communicate(data)   # writes and reads at once, then waits
    print(f"sent {len(data)} bytes")
    print(f"got {len(stdout)} bytes back, the first line: {stdout.decode().splitlines()[0]}")
    print(f"stderr: {len(stderr)} bytes")
    print("exit code:", proc.returncode)
# @end


asyncio.run(main())
