"""task.cancel(msg).  Run: python3 python/tasks/cancel_message.py"""
import asyncio


# @start region="cancel-message"
async def main():
    task = asyncio.create_task(download())
    await asyncio.sleep(0)                      # let it start: it is cancelled inside its try
    task.cancel("client went away")
    try:
        await task
    except asyncio.CancelledError as e:         # 3.11 passes the message on to the awaiter
        print(f"await task raised: {type(e).__name__}: {e.args[0]}")
# @end


# @start region="download"
async def download():
    try:
        return await asyncio.sleep(86400)
    except asyncio.CancelledError as e:
        print("download was cancelled:", e.args[0] if e.args else "(no reason)")
        raise
# @end


asyncio.run(main())
