"""create_subprocess_shell against _exec.  Run: python3 python/subprocess/shell_or_exec.py"""
import asyncio
from asyncio.subprocess import DEVNULL, PIPE, STDOUT


async def show(form, proc):
    stdout, _ = await proc.communicate()
    for line in stdout.decode().splitlines():
        print(f"{form}: {line}")


# @start region="shell-or-exec"
async def main():
    name = "two words; echo injected"       # say, a file name a user typed
    # a shell parses the line, so the ';' starts a second command (shlex.quote(name) would not)
    await show("shell", await asyncio.create_subprocess_shell(
        "printf '[%s]\\n' " + name, stdin=DEVNULL, stdout=PIPE, stderr=STDOUT))
    # no shell: the child gets the name as one argument
    await show("exec", await asyncio.create_subprocess_exec(
        "printf", "[%s]\\n", name, stdin=DEVNULL, stdout=PIPE, stderr=STDOUT))
# @end


asyncio.run(main())
