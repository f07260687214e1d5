"""The `red` Jupyter kernel, driven through jupyter_client the way Jupyter drives it.

Run by Scripts/test-jupyter (after Scripts/install-jupyter registered the kernelspec `red`):
    /usr/bin/python3 Tests/Jupyter/test_kernel.py -v
"""

import base64
import os
import struct
import time
import unittest

from jupyter_client.manager import start_new_kernel

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 120


def png_size(b64):
    """Width and height from a PNG's IHDR chunk."""
    data = base64.b64decode(b64)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


def collect(kc, msg_id, timeout=TIMEOUT, on_output=None):
    """The iopub outputs of a request until the kernel is idle, and its shell reply."""
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status" and content["execution_state"] == "idle":
            break
        if kind in ("stream", "display_data", "update_display_data", "error", "execute_result"):
            outputs.append((kind, content))
            if on_output:
                on_output(kind, content)
    return reply_to(kc, msg_id, timeout), outputs


def reply_to(kc, msg_id, timeout=TIMEOUT):
    """The shell reply to a request (skipping replies to earlier ones)."""
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


def run(kc, code, timeout=TIMEOUT):
    return collect(kc, kc.execute(code), timeout)


def stream(outputs, name="stdout"):
    return "".join(c["text"] for k, c in outputs if k == "stream" and c["name"] == name)


def displays(outputs, mime):
    return [c["data"][mime] for k, c in outputs if k == "display_data" and mime in c["data"]]


class KernelTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="red", cwd=ROOT, startup_timeout=60)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def test_kernel_info(self):
        reply = reply_to(self.kc, self.kc.kernel_info())
        self.assertEqual(reply["language_info"]["name"], "red")
        self.assertEqual(reply["language_info"]["file_extension"], ".red")

    def test_stream(self):
        reply, outputs = run(self.kc, 'let who = "notebook"\nprint "hello $who"')
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(stream(outputs), "hello notebook\n")

    def test_images_at_their_own_size(self):
        reply, outputs = run(self.kc, 'load "Stdlib/images/coffee-64.png"\nview x\nview x width=192')
        self.assertEqual(reply["status"], "ok")
        pngs = displays(outputs, "image/png")
        self.assertEqual([png_size(p) for p in pngs], [(64, 64), (192, 192)])
        self.assertEqual(stream(outputs), "", "no half blocks")

    def test_save_grid_shows_it(self):
        path = f"/tmp/red-jupyter-grid-{os.getpid()}.png"
        try:
            reply, outputs = run(self.kc, f'load "Stdlib/images/coffee-64.png"\nsr4\nsave grid "{path}"')
            self.assertEqual(reply["status"], "ok")
            pngs = displays(outputs, "image/png")
            self.assertEqual(len(pngs), 1)
            with open(path, "rb") as f:
                self.assertEqual(base64.b64decode(pngs[0]), f.read())
            width, height = png_size(pngs[0])
            self.assertGreater(width, 2 * 64)  # x and y side by side, labelled
            self.assertGreater(height, 64)
        finally:
            if os.path.exists(path):
                os.remove(path)

    def test_tables_progress_and_plots(self):
        code = ('load "Stdlib/images/coffee-64.png"\nsr4\nprior natural\n'
                'solve reddiff steps=20 as r\nsolve pinv\nmetrics\nplot loss psnr of=r')
        reply, outputs = run(self.kc, code)
        self.assertEqual(reply["status"], "ok")
        html = displays(outputs, "text/html")
        self.assertEqual(len(html), 1)
        self.assertIn("<table", html[0])
        self.assertIn("<th>psnr</th>", html[0])
        plain = displays(outputs, "text/plain")
        self.assertTrue(any("psnr" in p and "pinv" in p for p in plain))
        # progress: one display per solve, updated in place, ending with the final loss and time
        first = [c for k, c in outputs if k == "display_data" and c.get("transient", {}).get("display_id")]
        self.assertEqual(len(first), 2)  # r and pinv
        rid = first[0]["transient"]["display_id"]
        updates = [c for k, c in outputs if k == "update_display_data" and c["transient"]["display_id"] == rid]
        self.assertTrue(updates)
        self.assertRegex(updates[-1]["data"]["text/plain"], r"^r: 20/20 steps, loss [0-9.e+-]+, [0-9.]+s$")
        # the plot, inline
        plots = [p for p in displays(outputs, "image/png") if png_size(p) == (800, 500)] + displays(outputs, "image/svg+xml")
        self.assertEqual(len(plots), 1)

    def test_error_with_line_and_column_keeps_the_state(self):
        reply, _ = run(self.kc, 'load "Stdlib/images/coffee-64.png"\nclear\nlet tag = before')
        self.assertEqual(reply["status"], "ok")
        reply, outputs = run(self.kc, "let tag = after\ndownsample 3\nprint never")
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "RuntimeError")
        self.assertTrue(reply["evalue"].startswith("line 2, column 1: factor=3 does not fit"), reply["evalue"])
        errors = [c for k, c in outputs if k == "error"]
        self.assertEqual(len(errors), 1)
        self.assertIn("downsample 3", "\n".join(errors[0]["traceback"]))
        self.assertNotIn("never", stream(outputs))
        # the next cell sees the state before the failed statement
        reply, outputs = run(self.kc, 'print "tag=$tag"\nshow')
        self.assertEqual(stream(outputs), "tag=after\n")
        self.assertIn("A       identity", displays(outputs, "text/plain")[0])

    def test_syntax_error_with_suggestion(self):
        reply, outputs = run(self.kc, "print 1\nsolve reddif")
        self.assertEqual(reply["ename"], "SyntaxError")
        self.assertEqual(reply["evalue"], "line 2, column 7: unknown solve kind 'reddif'; expected 'reddiff', 'dps', "
                                          "'pigdm', 'ddrm', 'pinv' or 'ddim'; did you mean 'reddiff'?")
        self.assertEqual(stream(outputs), "", "nothing ran")

    def test_complete(self):
        cases = [("solve red", ["reddiff"], 6), ("solve reddiff weight=s", ["weight=snr", "weight=sqrt", "weight=square"], 14),
                 ('load "Stdlib/ima', ["Stdlib/images/"], 6), ("blur", ["blur"], 0)]
        for code, matches, start in cases:
            reply = reply_to(self.kc, self.kc.complete(code, len(code)))
            self.assertEqual(reply["status"], "ok")
            self.assertEqual(reply["matches"], matches, code)
            self.assertEqual((reply["cursor_start"], reply["cursor_end"]), (start, len(code)), code)

    def test_inspect(self):
        reply = reply_to(self.kc, self.kc.inspect("solve reddiff steps=10", 2))
        self.assertTrue(reply["found"])
        text = reply["data"]["text/plain"]
        self.assertTrue(text.startswith("solve METHOD"), text)
        self.assertIn("weight=snr|sqrt", text)
        self.assertFalse(reply_to(self.kc, self.kc.inspect("nonsense", 3))["found"])

    def test_is_complete(self):
        self.assertEqual(reply_to(self.kc, self.kc.is_complete("for w in [a, b] {"))["status"], "incomplete")
        self.assertEqual(reply_to(self.kc, self.kc.is_complete("print 1"))["status"], "complete")

    def test_interrupt_keeps_the_partial_result(self):
        run(self.kc, 'load "Stdlib/images/coffee.png" size=128\nsr4\nprior natural')
        started = []
        msg_id = self.kc.execute("solve reddiff steps=1000 as long")
        sent = []

        def on_output(kind, content):
            if kind in ("display_data", "update_display_data") and "transient" in content and not sent:
                started.append(content)
                sent.append(time.monotonic())
                self.km.interrupt_kernel()

        reply, outputs = collect(self.kc, msg_id, on_output=on_output)
        waited = time.monotonic() - sent[0]
        self.assertLess(waited, 10, "the solve stops between steps")
        self.assertEqual(reply["status"], "ok")
        self.assertRegex(stream(outputs, "stderr"), r"interrupted at step \d+/1000; kept the last iterate as 'long'")
        last = [c for k, c in outputs if k == "update_display_data"][-1]["data"]["text/plain"]
        steps = int(last.split(": ")[1].split("/")[0])
        self.assertLess(steps, 1000)
        reply, outputs = run(self.kc, "show")
        self.assertIn("long: image 128x128x3", displays(outputs, "text/plain")[0])


class RestartTests(unittest.TestCase):
    def test_restart_and_quit_give_a_fresh_session(self):
        km, kc = start_new_kernel(kernel_name="red", cwd=ROOT, startup_timeout=60)
        try:
            reply, outputs = run(kc, "let a = 1\nprint $a")
            self.assertEqual(stream(outputs), "1\n")
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=60)
            reply, outputs = run(kc, "print $a")
            self.assertEqual(reply["status"], "error")
            self.assertIn("undefined variable 'a'", reply["evalue"])
            # quit ends the session too; the next cell starts a fresh one
            reply, outputs = run(kc, "let b = 2\nquit")
            self.assertEqual(reply["status"], "ok")
            self.assertIn("the session ended", stream(outputs, "stderr"))
            reply, outputs = run(kc, "print $b")
            self.assertIn("undefined variable 'b'", reply["evalue"])
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main()
