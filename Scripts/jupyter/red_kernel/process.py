"""The `red --kernel` child process and the JSON-lines protocol of Docs/kernel-protocol.md."""

import json
import os
import queue
import shutil
import signal
import subprocess
import threading


def red_binary():
    """The `red` executable: $RED_BINARY (set by the kernelspec), else `red` on PATH."""
    path = os.environ.get("RED_BINARY") or shutil.which("red")
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError("red binary not found: build it (Scripts/setup) and register the kernel "
                           "(Scripts/install-jupyter), or set RED_BINARY")
    return path


class RedProcess:
    """One `red --kernel` session: requests go to its standard input, events come back from a
    reader thread. It runs in its own process group, so only the SIGINTs forwarded by
    `interrupt` reach it (not those meant for the kernel's whole group)."""

    def __init__(self, binary=None):
        self.proc = subprocess.Popen(
            [binary or red_binary(), "--kernel"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)
        self.events = queue.Queue()
        self._next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        ready = self.events.get(timeout=60)
        if not ready or ready.get("type") != "ready":
            raise RuntimeError(f"red --kernel did not start: {ready!r}")
        self.version = ready.get("version", "")

    def _read(self):
        for raw in self.proc.stdout:
            try:
                event = json.loads(raw)
            except ValueError:
                event = {"type": "stream", "name": "stderr", "text": raw.decode("utf-8", "replace"), "id": None}
            self.events.put(event)
        self.events.put(None)  # end of output: the process ended

    @property
    def alive(self):
        return self.proc.poll() is None

    def send(self, kind, code, cursor=None):
        """Sends a request; returns its id."""
        self._next_id += 1
        request = {"id": self._next_id, "type": kind, "code": code}
        if cursor is not None:
            request["cursor"] = cursor
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        self.proc.stdin.flush()
        return self._next_id

    def call(self, kind, code, cursor=None, on_event=None):
        """Sends a request and waits for its `done` event, handing every other event to
        `on_event`. Returns the `done` event, or None when the process ended first."""
        rid = self.send(kind, code, cursor)
        while True:
            try:
                event = self.events.get(timeout=0.5)
            except queue.Empty:
                if not self.alive and self.events.empty():
                    return None
                continue
            if event is None:
                return None
            if event.get("type") == "done" and event.get("id") == rid:
                return event
            if on_event:
                on_event(event)

    def interrupt(self):
        """Stops a running solve between steps (SIGINT, as Ctrl-C at the prompt)."""
        if self.alive:
            os.kill(self.proc.pid, signal.SIGINT)

    def close(self):
        if self.proc.stdin and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
