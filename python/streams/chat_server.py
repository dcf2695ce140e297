"""The asyncio chat room that the `streams` demo mirrors (Python 3.11, stdlib only).
Each line a member sends goes to every other member.

    python3 python/streams/chat_server.py 8889    # then, in two terminals: nc 127.0.0.1 8889
"""
import asyncio
import itertools
import sys

members = {}
numbers = itertools.count(1)


async def handle_chat(reader, writer):
    name = "user-%d" % next(numbers)
    members[name] = writer
    try:
        writer.write(("welcome %s\n" % name).encode())
        while line := await reader.readline():
            if not line.endswith(b"\n"):
                raise asyncio.IncompleteReadError(line, None)
            message = ("%s: %s\n" % (name, line[:-1].decode())).encode()
            for other, w in list(members.items()):
                if other != name:
                    try:
                        w.write(message)
                        await w.drain()                  # a slow reader slows its senders
                    except ConnectionError:
                        pass                             # that member is leaving
    finally:
        del members[name]
        writer.close()


async def main(port):
    server = await asyncio.start_server(handle_chat, "127.0.0.1", port)
    print("chat server on", server.sockets[0].getsockname(), flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8889))
