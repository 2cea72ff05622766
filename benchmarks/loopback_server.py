"""A small asyncio HTTP server for benchmarks: many endpoints on one loopback port.

    /ok/N           200 with a health JSON
    /slow/N?ms=100  the same after a delay
    /hang/N         never answers (held until the server stops)

Run: python benchmarks/loopback_server.py PORT  (prints "ready" when listening).
"""

from __future__ import annotations

import asyncio
import sys

BODY = b'{"status": "ok", "checks": {"database": "ok", "redis": "ok"}}'
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-build: bench\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1].decode()
            if path.startswith("/hang/"):
                await asyncio.sleep(3600)
            if path.startswith("/slow/"):
                ms = int(path.partition("ms=")[2] or 100)
                await asyncio.sleep(ms / 1000)
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=2048)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
