"""The original task-manipulation script in today's asyncio.

Run: python3 python/tasks/three_tasks.py

The original pauses 1 s per step (asyncio.sleep(1)); 0.1 s keeps the comparison quick.
"""
import asyncio

PAUSE = 0.1


# @start region="three-tasks"
async def factorial(number):
    f = 1
    for i in range(2, number + 1):
        print(f"Asyncio.Task: Compute factorial({i})")
        await asyncio.sleep(PAUSE)
        f *= i
    print(f"factorial({number}) = {f}")


async def fibonacci(number):
    a, b = 0, 1
    for i in range(number):
        print(f"Asyncio.Task: Compute fibonacci({i})")
        await asyncio.sleep(PAUSE)
        a, b = b, a + b
    print(f"fibonacci({number}) = {a}")


async def binomial_coefficient(n, k):
    result = 1
    for i in range(1, k + 1):
        result = result * (n - i + 1) / i
        print(f"Asyncio.Task: Compute binomial_coefficient({i})")
        await asyncio.sleep(PAUSE)
    print(f"binomial_coefficient({n}, {k}) = {result}")


async def main():
    async with asyncio.TaskGroup() as tg:    # the original: run_until_complete(wait(tasks))
        tg.create_task(factorial(10))
        tg.create_task(fibonacci(10))
        tg.create_task(binomial_coefficient(20, 10))
# @end


asyncio.run(main())
