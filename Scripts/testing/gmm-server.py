#!/usr/bin/env python3
"""A small Open Inference Protocol (KServe V2 REST) server of exact diffusion priors, NumPy only.

It serves, with the convention of Docs/remote-priors.md (linear schedule, T = 1000):
  gmm8        the 25-component grid GMM in R^8 (`prior gmm grid dim=8`): inputs x_t FP32 [N, 8], t INT64 [N]
  gmm8-vjp    its companion: inputs x_t, t, cotangent; outputs x0 = E[x0 | x_t] and its VJP
  gauss       the Gaussian image prior x0 ~ N(0, 0.5² I) per pixel: x_t FP32 [N, C, H, W] (any C, H, W)
  gauss-vjp   its companion
The ε̂ of gmm8 is the exact one of Sources/Diffusion/GaussianMixturePrior (same weights, means and
schedule), computed in float64 and returned as float32.

Both bodies of the protocol are understood: plain JSON and the binary-tensor extension
(`Inference-Header-Content-Length`); the answer is binary when the request asks for a binary output.

Test switches (each counts /infer requests of every model, from 1):
  --port 0               any free port; the first line on stdout is `listening on PORT`
  --die-after K          the process exits abruptly when request K+1 arrives (a server killed mid-solve)
  --malformed-after K    from request K+1 on, eps has the wrong shape
  --delay S              sleeps S seconds before every inference answer (timeouts)
  --json-only            refuses binary request bodies with HTTP 400 (the client's JSON fallback)
  --multiple M           the size multiple that gauss announces (default 1)
  --no-companion         the metadata names no VJP companion model
GET /stats answers {"requests": R, "max_batch": B, "binary_requests": K} (not part of the protocol).
"""
import argparse, json, os, signal, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

T = 1000
ALPHA_BAR = np.cumprod(1 - np.linspace(1e-4, 0.02, T, dtype=np.float64))
# w = z²/Σz² for z = numpy.random.default_rng(0).standard_normal(25), as float32 (GaussianMixturePrior.gridWeights)
GRID_WEIGHTS = np.array([
    0.0008583459421060979, 0.0009475903352722526, 0.022269802168011665, 0.0005974959349259734, 0.015580329112708569,
    0.007099503185600042, 0.09232901781797409, 0.04870316758751869, 0.026890669018030167, 0.0869467556476593,
    0.021093161776661873, 9.273193427361548e-05, 0.29352182149887085, 0.0025992291048169136, 0.08428630232810974,
    0.02911537140607834, 0.016084006056189537, 0.005432276055216789, 0.009200219064950943, 0.05901280790567398,
    0.0008970642229542136, 0.10138624906539917, 0.024025946855545044, 0.006709011737257242, 0.04432111233472824,
], dtype=np.float32).astype(np.float64)
GAUSS_SPREAD = 0.5


def grid_means(dim):
    m = np.zeros((25, dim))
    for i in range(-2, 3):
        for j in range(-2, 3):
            k = 5 * (i + 2) + (j + 2)
            m[k] = [8 * (i if e % 2 == 0 else j) for e in range(dim)]
    return m


class GridGMM:
    """The exact ε̂, x̂0 and x̂0-VJP of the grid GMM with identity covariances."""
    def __init__(self, dim):
        self.dim = dim
        self.means = grid_means(dim)
        self.logw = np.log(GRID_WEIGHTS / GRID_WEIGHTS.sum())

    def evaluate(self, x, t, v=None):
        ab = ALPHA_BAR[t]
        a, s2 = np.sqrt(ab), 1 - ab
        S = a * a + s2                                   # α² C + σ² with C = I
        diff = x[:, None, :] - a * self.means[None]      # [N, K, D]
        logp = self.logw[None] - 0.5 * (diff ** 2).sum(-1) / S
        logp -= logp.max(1, keepdims=True)
        r = np.exp(logp)
        r /= r.sum(1, keepdims=True)                     # [N, K]
        eps = np.sqrt(s2) * np.einsum("nk,nkd->nd", r, diff) / S
        mu = self.means[None] + a * diff / S             # [N, K, D]
        x0 = np.einsum("nk,nkd->nd", r, mu)
        if v is None:
            return eps, x0, None
        mv = np.einsum("nkd,nd->nk", mu, v)
        x0v = (x0 * v).sum(-1, keepdims=True)
        vjp = a / S * v + np.einsum("nk,nkd->nd", r * (mv - x0v), -diff / S)
        return eps, x0, vjp


class GaussImages:
    """x0 ~ N(0, s² I) per pixel: ε̂ = σ x/S, x̂0 = α s² x/S with S = α² s² + σ²."""
    def evaluate(self, x, t, v=None):
        ab = ALPHA_BAR[t].reshape((-1,) + (1,) * (x.ndim - 1))
        a, s2 = np.sqrt(ab), 1 - ab
        S = ab * GAUSS_SPREAD ** 2 + s2
        eps = np.sqrt(s2) * x / S
        x0 = a * GAUSS_SPREAD ** 2 * x / S
        return eps, x0, (None if v is None else a * GAUSS_SPREAD ** 2 * v / S)


def schedule_parameters(extra):
    p = {"noise_schedule": "linear", "diffusion_steps": T}
    p.update(extra)
    return p


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.requests = 0
        self.max_batch = 0
        self.binary = 0
        gmm, gauss = GridGMM(8), GaussImages()
        self.models = {
            "gmm8": (gmm, False, [["x_t", "FP32", [-1, 8]], ["t", "INT64", [-1]]], [["eps", "FP32", [-1, 8]]],
                     schedule_parameters({"vjp_model": "gmm8-vjp", "data_spread": 8.0})),
            "gmm8-vjp": (gmm, True, [["x_t", "FP32", [-1, 8]], ["t", "INT64", [-1]], ["cotangent", "FP32", [-1, 8]]],
                         [["x0", "FP32", [-1, 8]], ["vjp", "FP32", [-1, 8]]], schedule_parameters({})),
            "gauss": (gauss, False, [["x_t", "FP32", [-1, -1, -1, -1]], ["t", "INT64", [-1]]], [["eps", "FP32", [-1, -1, -1, -1]]],
                      schedule_parameters({"vjp_model": "gauss-vjp", "size_multiple": args.multiple})),
            "gauss-vjp": (gauss, True, [["x_t", "FP32", [-1, -1, -1, -1]], ["t", "INT64", [-1]], ["cotangent", "FP32", [-1, -1, -1, -1]]],
                          [["x0", "FP32", [-1, -1, -1, -1]], ["vjp", "FP32", [-1, -1, -1, -1]]], schedule_parameters({})),
        }
        if args.no_companion:
            for m in self.models.values():
                m[4].pop("vjp_model", None)


DTYPES = {"FP32": np.float32, "INT64": np.int64, "FP64": np.float64, "INT32": np.int32}


def parse_request(body, header_length):
    """The inputs {name: array} and the request's JSON; binary bodies per the binary-tensor extension."""
    head = json.loads(body[:header_length] if header_length is not None else body)
    offset = header_length or 0
    inputs = {}
    for i in head["inputs"]:
        dtype = DTYPES[i["datatype"]]
        size = (i.get("parameters") or {}).get("binary_data_size")
        if size is not None:
            arr = np.frombuffer(body[offset:offset + size], dtype=dtype)
            offset += size
        else:
            arr = np.asarray(i["data"], dtype=dtype).reshape(-1)
        inputs[i["name"]] = arr.reshape(i["shape"])
    return inputs, head


def encode_response(model, outputs, binary):
    """The answer body and its header length (None for JSON)."""
    entries, blobs = [], []
    for name, arr in outputs:
        arr = np.ascontiguousarray(arr, dtype=np.float32)
        e = {"name": name, "datatype": "FP32", "shape": list(arr.shape)}
        if binary:
            raw = arr.astype("<f4").tobytes()
            e["parameters"] = {"binary_data_size": len(raw)}
            blobs.append(raw)
        else:
            e["data"] = arr.reshape(-1).tolist()
        entries.append(e)
    head = json.dumps({"model_name": model, "outputs": entries}).encode()
    return (head + b"".join(blobs), len(head)) if binary else (head, None)


def make_handler(state):
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

        def do_GET(self):
            parts = [p for p in self.path.split("/") if p]
            if parts in (["v2", "health", "ready"], ["v2", "health", "live"]):
                return self.send_json(200, {"ready": True})
            if parts == ["stats"]:
                with state.lock:
                    return self.send_json(200, {"requests": state.requests, "max_batch": state.max_batch, "binary_requests": state.binary})
            if len(parts) >= 3 and parts[:2] == ["v2", "models"] and parts[2] in state.models:
                if parts[3:] == ["ready"]:
                    return self.send_json(200, {"name": parts[2], "ready": True})
                if not parts[3:]:
                    _, _, ins, outs, params = state.models[parts[2]]
                    spec = lambda l: [{"name": n, "datatype": d, "shape": s} for n, d, s in l]
                    return self.send_json(200, {"name": parts[2], "versions": ["1"], "platform": "numpy",
                                                "inputs": spec(ins), "outputs": spec(outs), "parameters": params})
            self.send_json(404, {"error": f"no such resource {self.path}"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            parts = [p for p in self.path.split("/") if p]
            if len(parts) != 4 or parts[:2] != ["v2", "models"] or parts[3] != "infer" or parts[2] not in state.models:
                return self.send_json(404, {"error": f"no such model endpoint {self.path}"})
            hl = self.headers.get("Inference-Header-Content-Length")
            with state.lock:
                state.requests += 1
                k = state.requests
                state.binary += hl is not None
            args = state.args
            if args.die_after is not None and k > args.die_after:
                os._exit(3)
            if hl is not None and args.json_only:
                return self.send_json(400, {"error": "binary tensor data is not supported"})
            try:
                inputs, head = parse_request(body, int(hl) if hl is not None else None)
                x = inputs["x_t"].astype(np.float64)
                t = inputs["t"].astype(np.int64).reshape(-1)
                if t.shape[0] != x.shape[0] or (t < 0).any() or (t >= T).any():
                    raise ValueError("t must hold one time in 0..<1000 per item")
            except Exception as e:
                return self.send_json(400, {"error": f"bad request: {e}"})
            with state.lock:
                state.max_batch = max(state.max_batch, x.shape[0])
            prior, is_vjp, _, _, _ = state.models[parts[2]]
            if args.delay:
                time.sleep(args.delay)
            if prior.__class__ is GridGMM:
                # the GMM's time is per request (all items share it, as red sends them)
                eps, x0, vjp = prior.evaluate(x, int(t[0]), inputs["cotangent"].astype(np.float64) if is_vjp else None)
            else:
                eps, x0, vjp = prior.evaluate(x, t, inputs["cotangent"].astype(np.float64) if is_vjp else None)
            outs = [("x0", x0), ("vjp", vjp)] if is_vjp else [("eps", eps)]
            if args.malformed_after is not None and k > args.malformed_after:
                outs = [(n, a[:, :-1] if a.ndim == 2 else a[:, :, :-1]) for n, a in outs]
            binary = any((o.get("parameters") or {}).get("binary_data") for o in head.get("outputs", [])) or \
                (head.get("parameters") or {}).get("binary_data_output", False)
            data, header_length = encode_response(parts[2], outs, binary)
            extra = {"Inference-Header-Content-Length": str(header_length)} if header_length is not None else None
            self.send(200, data, extra, "application/octet-stream" if binary else "application/json")
    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--die-after", type=int)
    ap.add_argument("--malformed-after", type=int)
    ap.add_argument("--delay", type=float, default=0)
    ap.add_argument("--json-only", action="store_true")
    ap.add_argument("--multiple", type=int, default=1)
    ap.add_argument("--no-companion", action="store_true")
    args = ap.parse_args()
    # a parent may have started us with SIGTERM blocked (threads of a test runner)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(State(args)))
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
