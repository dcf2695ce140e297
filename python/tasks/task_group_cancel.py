"""TaskGroup.cancel() (3.15), in 3.11 code.  Run: python3 python/tasks/task_group_cancel.py"""
import asyncio


async def fetch(name, steps):
    await asyncio.sleep(0.1 * steps)
    print(f"{name} finished after {steps} step(s)")
    return name


async def slow(name):
    try:
        await asyncio.sleep(86400)
    except asyncio.CancelledError:
        print(f"{name} was cancelled")
        raise


# @start region="task-group-cancel"
class TerminateTaskGroup(Exception):
    """Raised to end a TaskGroup early (Python's documented recipe before 3.15)."""


async def ask(name, steps, answers):
    answers.append(await fetch(name, steps))
    if len(answers) == 2:                  # the quorum
        raise TerminateTaskGroup()         # Python 3.15: tg.cancel(), and no except* below


async def main():
    answers = []
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(ask("a", 1, answers))
            tg.create_task(ask("b", 2, answers))
            tg.create_task(slow("c"))      # cancelled once a and b answered
    except* TerminateTaskGroup:
        pass
    print("answers:", sorted(answers))
# @end


asyncio.run(main())
