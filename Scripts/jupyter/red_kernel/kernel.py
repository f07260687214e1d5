"""The Jupyter kernel: ipykernel's wrapper-kernel base class on a `red --kernel` child.

Events of the child become iopub messages: `stream` (text), `display_data` (images, plots,
tables), `display_data` + `update_display_data` with a `display_id` (one progress line per
solve, updated in place) and `error` (with the statement's line and column). Interrupt sends
SIGINT to the child (a running solve stops between steps and keeps its iterate); restart
starts a new child, so a fresh session.
"""

import signal
import uuid

from ipykernel.kernelbase import Kernel

from . import __version__
from .process import RedProcess


class RedKernel(Kernel):
    implementation = "red_kernel"
    implementation_version = __version__
    language = "red"
    language_version = __version__
    language_info = {
        "name": "red",
        "mimetype": "text/x-red",
        "file_extension": ".red",
        "codemirror_mode": "shell",
        "pygments_lexer": "bash",
    }
    banner = "red — image restoration with diffusion priors (type 'help' in a cell)"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.red = None
        self.progress_prefix = ""

    # the child

    def _red(self):
        if self.red is None or not self.red.alive:
            self.red = RedProcess()
            self.progress_prefix = f"red-progress-{uuid.uuid4().hex[:12]}-"
        return self.red

    def _ended(self, note):
        if self.red is not None:
            self.red.close()
        self.red = None
        self._stream("stderr", note)

    def _stream(self, name, text):
        self.send_response(self.iopub_socket, "stream", {"name": name, "text": text})

    # execute

    def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False):
        try:
            red = self._red()
        except Exception as e:  # no binary, or it did not start
            return self._error_reply("KernelError", str(e), [str(e)], silent)
        errors, shown = [], set()

        def on_event(event):
            kind = event.get("type")
            if kind == "error":
                errors.append(event)
            elif silent:
                return
            elif kind == "stream":
                self._stream(event["name"], event["text"])
            elif kind == "display":
                self.send_response(self.iopub_socket, "display_data",
                                   {"data": event["data"], "metadata": event.get("metadata", {}), "transient": {}})
            elif kind == "progress":
                display_id = self.progress_prefix + event["progress_id"]
                content = {"data": {"text/plain": event["text"]}, "metadata": {}, "transient": {"display_id": display_id}}
                self.send_response(self.iopub_socket, "update_display_data" if display_id in shown else "display_data", content)
                shown.add(display_id)

        # interrupt (SIGINT to this kernel, from Jupyter) goes to the child; the cell goes on to its end
        previous = signal.signal(signal.SIGINT, lambda signum, frame: red.interrupt())
        try:
            done = red.call("execute", code, on_event=on_event)
        finally:
            signal.signal(signal.SIGINT, previous)
        if done is None:
            status = red.proc.poll()
            self._ended(f"red stopped (exit status {status}); the next cell starts a fresh session\n")
            return self._error_reply("KernelError", "red stopped", [f"red stopped (exit status {status})"], silent)
        if done.get("quit"):
            self._ended("the session ended ('quit'); the next cell starts a fresh one\n")
        if done.get("status") == "ok":
            return {"status": "ok", "execution_count": self.execution_count, "payload": [], "user_expressions": {}}
        if not errors:
            message = done.get("message", "the request failed")
            return self._error_reply("KernelError", message, [message], silent)
        first = errors[0]
        ename = first["kind"].capitalize() + "Error"
        evalue = f"line {first['line']}, column {first['column']}: {first['message']}"
        traceback = [line for e in errors for line in e["rendered"].split("\n")]
        return self._error_reply(ename, evalue, traceback, silent)

    def _error_reply(self, ename, evalue, traceback, silent):
        content = {"ename": ename, "evalue": evalue, "traceback": traceback}
        if not silent:
            self.send_response(self.iopub_socket, "error", content)
        return dict(status="error", execution_count=self.execution_count, **content)

    # completion, inspection, completeness: answered by the command table

    def do_complete(self, code, cursor_pos):
        done = self._red().call("complete", code, cursor=cursor_pos)
        if not done or done.get("status") != "ok":
            return {"status": "ok", "matches": [], "cursor_start": cursor_pos, "cursor_end": cursor_pos, "metadata": {}}
        return {"status": "ok", "matches": done["matches"], "cursor_start": done["cursor_start"],
                "cursor_end": done["cursor_end"], "metadata": {}}

    def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        done = self._red().call("inspect", code, cursor=cursor_pos)
        found = bool(done and done.get("found"))
        return {"status": "ok", "found": found, "data": {"text/plain": done["text"]} if found else {}, "metadata": {}}

    def do_is_complete(self, code):
        done = self._red().call("is_complete", code)
        state = done.get("state", "unknown") if done else "unknown"
        return {"status": state, "indent": "  "} if state == "incomplete" else {"status": state}

    def do_shutdown(self, restart):
        if self.red is not None:
            self.red.close()
            self.red = None
        return {"status": "ok", "restart": restart}
