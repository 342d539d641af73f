"""A loopback TCP proxy that drops, delays and cuts connections on purpose.

Put between the laptop and a real server process to reproduce bad networks:

    proxy = FaultProxy(target_port).start()
    proxy.plan = [Fault("cut", after_bytes=5000), Fault("pass")]   # one per connection
    ... laptop talks to proxy.url ...
    proxy.stop()

Faults, per accepted connection (the plan is consumed in order; when it is
empty, ``default`` applies):
- ``pass``: forward both ways untouched.
- ``drop``: close the laptop's connection at once, before the request reaches the server.
- ``drop_response``: forward the request, then close without sending the answer
  (the server did the work; the laptop never hears of it).
- ``delay``: wait ``seconds`` before forwarding the answer.
- ``cut``: forward the first ``after_bytes`` bytes of the answer, then close
  (a response cut mid-body).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Fault:
    kind: str = "pass"  # pass, drop, drop_response, delay, cut
    seconds: float = 0.0
    after_bytes: int = 0


class FaultProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.plan: list[Fault] = []
        self.default = Fault("pass")
        self.connections = 0
        self.faults_done: list[str] = []
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "FaultProxy":
        thread = threading.Thread(target=self._accept_loop, name="fault-proxy", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stopping.set()
        try:
            self._listener.close()
        except OSError:
            pass

    def _next_fault(self) -> Fault:
        with self._lock:
            self.connections += 1
            fault = self.plan.pop(0) if self.plan else self.default
            if fault.kind != "pass":
                self.faults_done.append(fault.kind)
            return fault

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            fault = self._next_fault()
            threading.Thread(target=self._serve, args=(client, fault), daemon=True).start()

    def _serve(self, client: socket.socket, fault: Fault) -> None:
        if fault.kind == "drop":
            _close(client)
            return
        try:
            upstream = socket.create_connection(self.target, timeout=30)
        except OSError:
            _close(client)
            return
        # Requests are short: forward the laptop's bytes as they come.
        threading.Thread(target=_pipe, args=(client, upstream, None), daemon=True).start()
        if fault.kind == "delay":
            time.sleep(fault.seconds)
        limit: Optional[int] = None
        if fault.kind == "cut":
            limit = fault.after_bytes
        elif fault.kind == "drop_response":
            limit = 0
        _pipe(upstream, client, limit)
        _close(client)
        _close(upstream)


def _pipe(src: socket.socket, dst: socket.socket, limit: Optional[int]) -> None:
    sent = 0
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if limit is not None:
                data = data[: max(0, limit - sent)]
            if data:
                dst.sendall(data)
                sent += len(data)
            if limit is not None and sent >= limit:
                break
    except OSError:
        pass
    finally:
        if limit is not None:
            _close(dst)
            _close(src)
        else:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
