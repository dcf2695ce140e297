"""The pattern twins' embedded site and client (imported by them, not run on its own).

Site: an HTTP server on 127.0.0.1 and an ephemeral port (asyncio.start_server), one request per
connection, with the counters of the Java side's EmbeddedSite: requests per path, requests in
flight (until the answer starts), and clients that hung up on a page that never answers.
get(url): an HTTP/1.1 GET over asyncio.open_connection; cancelling it closes the connection.
"""
import asyncio
from urllib.parse import urlsplit

REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           500: "Internal Server Error", 503: "Service Unavailable"}


class HungUp(Exception):
    """The client closed the connection before the answer: nothing to send."""


class Gauge:
    """Requests in flight now, and the most there ever were at once."""

    def __init__(self):
        self.now = 0
        self.most = 0

    def enter(self):
        self.now += 1
        self.most = max(self.most, self.now)

    def exit(self):
        self.now -= 1


class Request:
    """A request being answered: its path, its number for that path, and its connection."""

    def __init__(self, site, path, number, reader):
        self.site, self.path, self.number, self._reader = site, path, number, reader

    async def hang_up(self):
        """Waits until the client closes the connection, counts it, and raises HungUp."""
        try:
            while await self._reader.read(1024):
                pass
        except ConnectionError:
            pass
        self.site.hang_ups += 1
        self.site._hung_up.set()
        raise HungUp(self.path)


class Site:
    """An embedded site; start it with `await Site.start(name)`."""

    def __init__(self, name, latency, shared):
        self.name, self.latency, self.shared = name, latency, shared
        self.gauge = Gauge()
        self.routes, self.counts = {}, {}
        self.hang_ups = 0
        self._hung_up = asyncio.Event()
        self._connections = set()
        self._server = None
        self.port = None

    @classmethod
    async def start(cls, name, latency=0.0, shared=None):
        site = cls(name, latency, shared)
        site._server = await asyncio.start_server(site._serve, "127.0.0.1", 0)
        site.port = site._server.sockets[0].getsockname()[1]
        return site

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path, handler):
        """Answers path with `await handler(request)`, a (status, body) pair."""
        self.routes[path] = handler
        return self

    def page(self, path, body):
        async def answer(request):
            await asyncio.sleep(self.latency)
            return 200, body
        return self.route(path, answer)

    def fail_first(self, path, failures, body):
        async def answer(request):
            await asyncio.sleep(self.latency)
            return (503, "try again later\n") if request.number <= failures else (200, body)
        return self.route(path, answer)

    def hang(self, path):
        return self.route(path, Request.hang_up)

    def requests(self, path=None):
        return sum(self.counts.values()) if path is None else self.counts.get(path, 0)

    async def wait_hang_ups(self, count, timeout=10):
        async with asyncio.timeout(timeout):
            while self.hang_ups < count:
                self._hung_up.clear()
                await self._hung_up.wait()

    async def close(self):
        self._server.close()
        for task in self._connections:
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await self._server.wait_closed()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()

    async def _serve(self, reader, writer):
        task = asyncio.current_task()
        self._connections.add(task)
        try:
            answer = await self._answer(reader)
            if answer is not None:
                status, body = answer
                data = body.encode()
                writer.write(f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\n"
                             f"Content-Type: text/plain; charset=utf-8\r\n"
                             f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
                             .encode("latin-1") + data)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass                          # the client went away
        finally:
            writer.close()
            self._connections.discard(task)

    async def _answer(self, reader):
        line = (await reader.readuntil(b"\r\n\r\n")).split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        if len(parts) != 3 or not parts[1].startswith("/") or not parts[2].startswith("HTTP/1."):
            return 400, "bad request\n"
        if parts[0] != "GET":
            return 405, "only GET is served\n"
        path = parts[1].split("?", 1)[0]
        self.counts[path] = number = self.counts.get(path, 0) + 1
        handler = self.routes.get(path)
        if handler is None:
            return 404, f"no page at {path}\n"
        gauges = [self.gauge] + ([self.shared] if self.shared else [])
        for gauge in gauges:
            gauge.enter()
        try:
            return await handler(Request(self, path, number, reader))
        except HungUp:
            return None
        finally:
            for gauge in gauges:
                gauge.exit()


async def get(url):
    """GET url: (status, body). Cancelled, it closes the connection, which the server sees."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                     f"Connection: close\r\n\r\n".encode("latin-1"))
        await writer.drain()
        answer = await reader.read()  # the server closes after its answer
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)
    if len(status) < 2 or not status[0].startswith(b"HTTP/1."):
        raise OSError(f"not an HTTP answer from {url}")
    return int(status[1]), body.decode()
