"""A TCP proxy on 127.0.0.1 that can go silent: the network path of a half-open connection.

`stall()` makes every connection open now stop forwarding in both directions, without closing
anything (what a dead NAT entry or a wedged broker looks like from the client); connections
made afterwards are forwarded as usual, so a client that gives up and reconnects gets through.
Green threads: use it in tests that run under eventlet (`nameko test`).
"""

import eventlet
from eventlet.green import socket
from servicekit.testing import free_port


class StallProxy:
    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.listener = eventlet.listen(("127.0.0.1", self.port))
        self.generation = 0  # connections of an older generation are stalled
        self.threads = [eventlet.spawn(self._accept)]

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            upstream = socket.create_connection(self.target)
            generation = self.generation
            for source, sink in ((client, upstream), (upstream, client)):
                self.threads.append(eventlet.spawn(self._pump, source, sink, generation))

    def _pump(self, source: socket.socket, sink: socket.socket, generation: int) -> None:
        try:
            while data := source.recv(65536):
                if generation == self.generation:
                    sink.sendall(data)
                # else: swallowed — the path is dead but nobody is told
        except (OSError, EOFError, eventlet.hubs.IOClosed):
            pass  # the other side went away
        finally:
            sink.close()

    def stall(self) -> None:
        self.generation += 1

    def close(self) -> None:
        for thread in self.threads:
            thread.kill()
        self.listener.close()
