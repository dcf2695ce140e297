"""The asyncio echo server that the `streams` demo mirrors (Python 3.11, stdlib only).

    python3 python/streams/echo_server.py 8888        # then: nc 127.0.0.1 8888
"""
import asyncio
import sys


async def handle_echo(reader, writer):
    try:
        while line := await reader.readline():           # b"" once the client has closed
            if not line.endswith(b"\n"):                 # it vanished mid-line
                raise asyncio.IncompleteReadError(line, None)
            writer.write(line)
            await writer.drain()                         # wait while the client reads slowly
    finally:
        writer.close()


async def main(port):
    server = await asyncio.start_server(handle_echo, "127.0.0.1", port, limit=64 * 1024)
    print("echo server on", server.sockets[0].getsockname(), flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8888))  # port 0: any free one
