#!/usr/bin/env python3
"""The reference prior server: guided-diffusion U-Nets over the Open Inference Protocol (KServe V2 REST).

Run through `Scripts/serve-prior`, which installs PyTorch into a venv of its own:

    Scripts/serve-prior [--port 8000] [--device cpu|cuda] [--dtype fp32|bf16] CHECKPOINT.safetensors…

Each checkpoint (the shipped Stdlib/priors/unet.safetensors, or a guided-diffusion checkpoint
converted with Scripts/convert-pt.py) is served as the model named after its file
(`unet.safetensors` → /v2/models/unet) with the convention of Docs/remote-priors.md: inputs
`x_t` FP32 [N, C, H, W] and `t` INT64 [N], output `eps` (the first C output channels when σ is
learned); its metadata carries the schedule (`noise_schedule`, `diffusion_steps`), the
`size_multiple` and the VJP companion `NAME-vjp` (inputs x_t, t, cotangent; outputs x0 and
(∂x0/∂x_t)ᵀ cotangent, by autograd). The network is `UNetModel` of Scripts/gpu/train_unet_torch.py.

Requests of several clients are batched: a worker takes every waiting request of one model (up to
--max-batch items, after waiting --batch-wait ms for more) and runs them as one forward pass, each
item at its own t. Bodies are plain JSON or the binary-tensor extension. Every --report seconds
with traffic it prints its throughput (items/s, requests/s, mean batch).
"""
import argparse, json, math, os, queue, signal, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import torch
from safetensors.torch import load_file
from safetensors import safe_open

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpu"))
from train_unet_torch import UNetModel  # noqa: E402

DTYPES = {"FP32": np.float32, "INT64": np.int64, "FP64": np.float64, "INT32": np.int32}


def linear_alpha_bar(steps):
    return np.cumprod(1 - np.linspace(0.1 / steps, 20 / steps, steps, dtype=np.float64))


def cosine_alpha_bar(steps):
    f = lambda s: math.cos((s + 0.008) / 1.008 * math.pi / 2) ** 2
    betas = [min(1 - f((i + 1) / steps) / f(i / steps), 0.999) for i in range(steps)]
    return np.cumprod(1 - np.array(betas, dtype=np.float64))


class Prior:
    """One checkpoint: the network, its schedule and its metadata."""
    def __init__(self, path, device, dtype):
        with safe_open(path, "pt") as f:
            meta = f.metadata() or {}
        if "config" not in meta:
            sys.exit(f"{path}: no 'config' in the safetensors metadata (convert guided-diffusion checkpoints with Scripts/convert-pt.py)")
        config = json.loads(meta["config"])
        if config.get("num_classes"):
            sys.exit(f"{path}: class-conditional networks are not served (unconditional only)")
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.steps = int(meta.get("diffusion_steps", "1000"))
        self.schedule = meta.get("noise_schedule", "linear")
        if self.schedule not in ("linear", "cosine"):
            sys.exit(f"{path}: noise_schedule '{self.schedule}' is not linear or cosine")
        ab = (linear_alpha_bar if self.schedule == "linear" else cosine_alpha_bar)(self.steps)
        self.alpha_bar = torch.tensor(ab, dtype=torch.float64, device=device)
        self.time_scale = 1000.0 / self.steps if meta.get("rescale_timesteps", "false") in ("true", "True", "1") else 1.0
        self.in_channels = int(config["in_channels"])
        self.multiple = 2 ** (len(config.get("channel_mult", [1, 2, 4, 8])) - 1)
        self.model = UNetModel(**config)
        self.model.load_state_dict({k: v.float() for k, v in load_file(path).items()}, strict=True)
        self.model.eval().to(device)
        self.device, self.dtype = device, dtype
        self.params = sum(p.numel() for p in self.model.parameters())

    def metadata(self, vjp):
        x = [-1, self.in_channels, -1, -1]
        ins = [{"name": "x_t", "datatype": "FP32", "shape": x}, {"name": "t", "datatype": "INT64", "shape": [-1]}]
        if vjp:
            ins.append({"name": "cotangent", "datatype": "FP32", "shape": x})
            outs = [{"name": "x0", "datatype": "FP32", "shape": x}, {"name": "vjp", "datatype": "FP32", "shape": x}]
        else:
            outs = [{"name": "eps", "datatype": "FP32", "shape": x}]
        params = {"noise_schedule": self.schedule, "diffusion_steps": self.steps, "size_multiple": self.multiple}
        if not vjp:
            params["vjp_model"] = self.name + "-vjp"
        return {"name": self.name + ("-vjp" if vjp else ""), "versions": ["1"], "platform": "pytorch",
                "inputs": ins, "outputs": outs, "parameters": params}

    def _eps(self, x, t):
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.dtype == "bf16"):
            out = self.model(x, t.to(torch.float32) * self.time_scale)
        return out[:, :self.in_channels].float()

    def epsilon(self, x, t):
        with torch.no_grad():
            return self._eps(x, t)

    def x0_vjp(self, x, t, v):
        ab = self.alpha_bar[t].to(torch.float32).view(-1, 1, 1, 1)
        a, s = ab.sqrt(), (1 - ab).sqrt()
        with torch.enable_grad():
            x = x.detach().requires_grad_(True)
            x0 = (x - s * self._eps(x, t)) / a
            (g,) = torch.autograd.grad(x0, x, v)
        return x0.detach(), g


class Batcher:
    """Runs waiting requests of one model and kind together, item by item at its own t."""
    def __init__(self, args):
        self.q = queue.Queue()
        self.args = args
        self.lock = threading.Lock()
        self.items = self.requests = self.batches = 0
        threading.Thread(target=self.run, daemon=True).start()

    def submit(self, prior, vjp, x, t, v):
        done = threading.Event()
        job = {"prior": prior, "vjp": vjp, "x": x, "t": t, "v": v, "done": done}
        self.q.put(job)
        done.wait()
        if "error" in job:
            raise job["error"]
        return job["out"]

    def run(self):
        pending = []
        while True:
            if not pending:
                pending.append(self.q.get())
            deadline = time.time() + self.args.batch_wait / 1000
            while True:
                try:
                    pending.append(self.q.get(timeout=max(0, deadline - time.time())))
                except queue.Empty:
                    break
            head = pending[0]
            group, rest, n = [], [], 0
            for j in pending:
                same = j["prior"] is head["prior"] and j["vjp"] == head["vjp"] and j["x"].shape[1:] == head["x"].shape[1:]
                if same and (not group or n + j["x"].shape[0] <= self.args.max_batch):
                    group.append(j); n += j["x"].shape[0]
                else:
                    rest.append(j)
            pending = rest
            self.execute(group)

    def execute(self, group):
        prior, vjp = group[0]["prior"], group[0]["vjp"]
        try:
            dev = prior.device
            x = torch.from_numpy(np.concatenate([j["x"] for j in group])).to(dev)
            t = torch.from_numpy(np.concatenate([j["t"] for j in group])).to(dev)
            if vjp:
                v = torch.from_numpy(np.concatenate([j["v"] for j in group])).to(dev)
                outs = [o.cpu().numpy() for o in prior.x0_vjp(x, t, v)]
            else:
                outs = [prior.epsilon(x, t).cpu().numpy()]
            k = 0
            for j in group:
                m = j["x"].shape[0]
                j["out"] = [o[k:k + m] for o in outs]
                k += m
            with self.lock:
                self.items += k; self.requests += len(group); self.batches += 1
        except Exception as e:  # noqa: BLE001 — the error goes back to the client as HTTP 500
            for j in group:
                j["error"] = e
        for j in group:
            j["done"].set()

    def report(self, every):
        while True:
            time.sleep(every)
            with self.lock:
                items, requests, batches = self.items, self.requests, self.batches
                self.items = self.requests = self.batches = 0
            if requests:
                print(f"throughput: {items / every:.2f} items/s, {requests / every:.2f} requests/s, "
                      f"mean batch {items / max(batches, 1):.1f} items ({batches} forward passes in {every:g} s)", flush=True)


def parse_request(body, header_length):
    head = json.loads(body[:header_length] if header_length is not None else body)
    offset, inputs = header_length or 0, {}
    for i in head["inputs"]:
        dtype = DTYPES[i["datatype"]]
        size = (i.get("parameters") or {}).get("binary_data_size")
        if size is not None:
            arr = np.frombuffer(body[offset:offset + size], dtype=np.dtype(dtype).newbyteorder("<"))
            offset += size
        else:
            arr = np.asarray(i["data"], dtype=dtype).reshape(-1)
        inputs[i["name"]] = arr.reshape(i["shape"])
    return inputs, head


def make_handler(priors, batcher):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def send(self, code, body, headers=None, ctype="application/json"):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def send_json(self, code, obj):
            self.send(code, json.dumps(obj).encode())

        def model(self, name):
            vjp = name.endswith("-vjp")
            return priors.get(name[:-4] if vjp else name), vjp

        def do_GET(self):
            parts = [p for p in self.path.split("/") if p]
            if parts in (["v2", "health", "ready"], ["v2", "health", "live"]):
                return self.send_json(200, {"ready": True} if parts[2] == "ready" else {"live": True})
            if parts == ["v2"]:
                return self.send_json(200, {"name": "red serve-prior", "version": "1", "extensions": ["binary_tensor_data"]})
            if len(parts) >= 3 and parts[:2] == ["v2", "models"]:
                prior, vjp = self.model(parts[2])
                if prior is not None and parts[3:] == ["ready"]:
                    return self.send_json(200, {"name": parts[2], "ready": True})
                if prior is not None and not parts[3:]:
                    return self.send_json(200, prior.metadata(vjp))
            self.send_json(404, {"error": f"no such resource {self.path}"})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            parts = [p for p in self.path.split("/") if p]
            prior, vjp = self.model(parts[2]) if len(parts) == 4 and parts[:2] == ["v2", "models"] and parts[3] == "infer" else (None, False)
            if prior is None:
                return self.send_json(404, {"error": f"no such model endpoint {self.path}"})
            hl = self.headers.get("Inference-Header-Content-Length")
            try:
                inputs, head = parse_request(body, int(hl) if hl is not None else None)
                x = np.ascontiguousarray(inputs["x_t"], dtype=np.float32)
                t = np.ascontiguousarray(inputs["t"], dtype=np.int64).reshape(-1)
                v = np.ascontiguousarray(inputs["cotangent"], dtype=np.float32) if vjp else None
                if x.ndim != 4 or x.shape[1] != prior.in_channels:
                    raise ValueError(f"x_t must be [N, {prior.in_channels}, H, W], got {list(x.shape)}")
                if x.shape[2] % prior.multiple or x.shape[3] % prior.multiple:
                    raise ValueError(f"H and W must be multiples of {prior.multiple}, got {x.shape[2]}x{x.shape[3]}")
                if t.shape[0] != x.shape[0] or (t < 0).any() or (t >= prior.steps).any():
                    raise ValueError(f"t must hold one time in 0..<{prior.steps} per item")
                if vjp and v.shape != x.shape:
                    raise ValueError("cotangent must have the shape of x_t")
            except Exception as e:  # noqa: BLE001
                return self.send_json(400, {"error": f"bad request: {e}"})
            try:
                outs = batcher.submit(prior, vjp, x, t, v)
            except Exception as e:  # noqa: BLE001
                return self.send_json(500, {"error": f"inference failed: {e}"})
            names = ["x0", "vjp"] if vjp else ["eps"]
            binary = any((o.get("parameters") or {}).get("binary_data") for o in head.get("outputs", [])) or \
                (head.get("parameters") or {}).get("binary_data_output", False)
            entries, blobs = [], []
            for name, arr in zip(names, outs):
                e = {"name": name, "datatype": "FP32", "shape": list(arr.shape)}
                if binary:
                    raw = np.ascontiguousarray(arr, dtype="<f4").tobytes()
                    e["parameters"] = {"binary_data_size": len(raw)}
                    blobs.append(raw)
                else:
                    e["data"] = arr.reshape(-1).tolist()
                entries.append(e)
            head_out = json.dumps({"model_name": parts[2], "outputs": entries}).encode()
            if binary:
                self.send(200, head_out + b"".join(blobs), {"Inference-Header-Content-Length": str(len(head_out))}, "application/octet-stream")
            else:
                self.send(200, head_out)
    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoints", nargs="+", metavar="CHECKPOINT")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 for other machines)")
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--max-batch", type=int, default=64, help="items per forward pass at most")
    ap.add_argument("--batch-wait", type=float, default=2.0, help="ms to wait for more requests before a forward pass")
    ap.add_argument("--report", type=float, default=10.0, help="seconds between throughput lines")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads of PyTorch (0: its default)")
    args = ap.parse_args()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("serve-prior: --device cuda but PyTorch sees no CUDA device")
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    priors = {}
    for path in args.checkpoints:
        p = Prior(path, device, args.dtype)
        if p.name in priors:
            sys.exit(f"serve-prior: two checkpoints are named '{p.name}'")
        priors[p.name] = p
        print(f"model {p.name}: {p.params} parameters, {p.schedule} schedule T={p.steps}, sides a multiple of {p.multiple}, "
              f"companion {p.name}-vjp", flush=True)
    batcher = Batcher(args)
    threading.Thread(target=batcher.report, args=(args.report,), daemon=True).start()
    server = ThreadingHTTPServer((args.host, args.port), make_handler(priors, batcher))
    server.daemon_threads = True
    print(f"serving on http://{args.host}:{server.server_address[1]}/v2/models/{{{','.join(priors)}}} "
          f"({args.device}, {args.dtype})", flush=True)
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
