"""The echo benchmark's CPython server: asyncio streams (stdlib), or the same code on uvloop.
(Java: dev.loomcookbook.benchmarks.EchoServerProcess, StreamServer + EchoHandler.)

usage: python3 echo_server.py [--uvloop]
Listens on 127.0.0.1 and an ephemeral port, prints "port N", serves until its stdin closes
(so it never outlives the benchmark that started it).
"""
import asyncio
import os
import sys
import threading


async def handle_echo(reader, writer):
    try:
        while line := await reader.readline():
            writer.write(line)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(handle_echo, "127.0.0.1", 0, backlog=4096)
    print("port", server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def exit_with_parent():
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    threading.Thread(target=exit_with_parent, daemon=True).start()
    if "--uvloop" in sys.argv[1:]:
        import uvloop  # the caller checked that this interpreter has it
        uvloop.install()
    asyncio.run(main())
