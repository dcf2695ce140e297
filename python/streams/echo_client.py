"""An asyncio open_connection client for any line echo server (Python 3.11, stdlib only).
Sends LINES numbered lines, checks that each comes back unchanged, and prints "ok LINES".

    python3 python/streams/echo_client.py PORT [LINES]
"""
import asyncio
import sys


async def main(port, lines):
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
    for i in range(lines):
        line = b"line %d from asyncio\n" % i
        writer.write(line)
        await writer.drain()
        echo = await asyncio.wait_for(reader.readline(), 10)
        if echo != line:
            print("line %d came back as %r" % (i, echo))
            sys.exit(1)
    writer.close()
    await writer.wait_closed()
    print("ok", lines)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 100))
