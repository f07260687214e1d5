#!/usr/bin/env python3
"""Self-test of Scripts/convert-pt.py without PyTorch: writes a checkpoint in PyTorch's zip format
(data.pkl referencing torch._utils._rebuild_tensor_v2 and typed storages, one raw file per storage)
from Tests/NetworksTests/Fixtures/adm-tiny/model.safetensors, with one F16 storage, one BF16
storage, one transposed (non-contiguous) view and one view at a storage offset, converts it and
checks every tensor against the original. Run from the repository root: Scripts/test-convert-pt.py
"""
import collections, io, json, os, pickle, struct, subprocess, sys, tempfile, types, zipfile
import numpy as np

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
fixture = os.path.join(root, "Tests/NetworksTests/Fixtures/adm-tiny")


def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for k, v in header.items():
        lo, hi = v["data_offsets"]
        dt = {"F32": np.float32, "F16": np.float16}[v["dtype"]]
        out[k] = np.frombuffer(data[8 + n + lo:8 + n + hi], dtype=dt).reshape(v["shape"]).astype(np.float32)
    return out, meta


# fake torch names, so that pickle records them as PyTorch does
torch = types.ModuleType("torch"); utils = types.ModuleType("torch._utils")
sys.modules["torch"], sys.modules["torch._utils"] = torch, utils
for name in ("FloatStorage", "HalfStorage", "BFloat16Storage"):
    setattr(torch, name, type(name, (), {"__module__": "torch"}))
def _rebuild_tensor_v2(*a): raise RuntimeError
_rebuild_tensor_v2.__module__ = "torch._utils"
utils._rebuild_tensor_v2 = _rebuild_tensor_v2


class FakeStorage:
    def __init__(self, key, kind, raw, numel): self.key, self.kind, self.raw, self.numel = key, kind, raw, numel


class FakeTensor:
    def __init__(self, storage, offset, size, stride): self.args = (storage, offset, size, stride)
    def __reduce__(self):
        s, o, size, stride = self.args
        return (_rebuild_tensor_v2, (s, o, tuple(size), tuple(stride), False, collections.OrderedDict()))


class P(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, FakeStorage):
            return ("storage", obj.kind, obj.key, "cpu", obj.numel)
        return None


weights, meta = read_safetensors(os.path.join(fixture, "model.safetensors"))
state, storages = collections.OrderedDict(), []
for i, (k, v) in enumerate(sorted(weights.items())):
    size = list(v.shape)
    stride = [int(np.prod(size[j + 1:])) for j in range(len(size))]
    if k == "out.0.weight":  # half precision storage
        raw, kind, off = v.astype(np.float16).tobytes(), torch.HalfStorage, 0
        weights[k] = v.astype(np.float16).astype(np.float32)
    elif k == "out.0.bias":  # bfloat16 storage (truncated)
        b = (v.view(np.uint32) >> 16).astype(np.uint16)
        raw, kind, off = b.tobytes(), torch.BFloat16Storage, 0
        weights[k] = (b.astype(np.uint32) << 16).view(np.float32)
    elif k == "time_embed.0.weight":  # a transposed view of a [in, out] storage
        raw, kind, off = np.ascontiguousarray(v.T).tobytes(), torch.FloatStorage, 0
        stride = [1, size[0]]
    elif k == "time_embed.0.bias":  # a view at an offset of 5 elements
        raw, kind, off = (np.zeros(5, np.float32).tobytes() + v.tobytes()), torch.FloatStorage, 5
    else:
        raw, kind, off = v.tobytes(), torch.FloatStorage, 0
    s = FakeStorage(str(i), kind, raw, len(raw))
    storages.append(s)
    state[k] = FakeTensor(s, off, size, stride)

with tempfile.TemporaryDirectory() as tmp:
    pt = os.path.join(tmp, "model.pt")
    buf = io.BytesIO(); P(buf, protocol=2).dump(state)
    with zipfile.ZipFile(pt, "w") as z:
        z.writestr("archive/data.pkl", buf.getvalue())
        z.writestr("archive/byteorder", "little")
        for s in storages:
            z.writestr("archive/data/" + s.key, s.raw)
    out = os.path.join(tmp, "model.safetensors")
    subprocess.run([sys.executable, os.path.join(root, "Scripts/convert-pt.py"), pt, out,
                    "--config", os.path.join(fixture, "config.json")], check=True)
    got, gmeta = read_safetensors(out)
    assert sorted(got) == sorted(weights), "key sets differ"
    for k in weights:
        assert got[k].shape == weights[k].shape and np.array_equal(got[k], weights[k]), k
    assert gmeta["format"] == "guided-diffusion-unet" and json.loads(gmeta["config"]) == json.load(open(os.path.join(fixture, "config.json")))
    print(f"convert-pt self-test passed: {len(got)} tensors identical (F16, BF16, strided and offset views included)")
