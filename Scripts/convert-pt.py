#!/usr/bin/env python3
"""Convert a guided-diffusion (ADM) PyTorch checkpoint (.pt) to the .safetensors file `red` loads.

    Scripts/convert-pt.py 256x256_diffusion_uncond.pt imagenet256.safetensors --preset imagenet256-uncond
    Scripts/convert-pt.py ffhq_10m.pt ffhq.safetensors --preset ffhq-dps
    Scripts/convert-pt.py model.pt out.safetensors --config model_config.json

Needs only Python 3 (numpy is used when installed, for non-contiguous tensors): PyTorch is NOT
required. The script reads the PyTorch zip format (torch >= 1.6: a zip holding `data.pkl` and
one raw file per storage) with a restricted unpickler that only rebuilds tensors and ordered
dicts; anything else in the pickle is refused. The old pre-1.6 format is not supported (re-save
it with `torch.save(torch.load(f), g)`).

The output keeps the original key names, stores tensors as F32 (or F16 with --dtype f16) and
writes the metadata `format = "guided-diffusion-unet"`, `config` (the UNetModel constructor
arguments as JSON), `diffusion_steps`, `noise_schedule` and `rescale_timesteps`.

--config takes a JSON file holding either the UNetModel arguments (attention_resolutions as
downsample factors) or the flags of guided-diffusion's script_util (num_channels, learn_sigma,
class_cond, attention_resolutions "32,16,8" as resolutions, channel_mult "" meaning the default
for the image size, diffusion_steps, noise_schedule), as in the READMEs and configs of ADM,
DPS and RED-diff.
"""
import argparse, json, pickle, struct, sys, zipfile

DTYPES = {  # storage class -> (safetensors dtype, struct code, bytes)
    "FloatStorage": ("F32", "f", 4), "HalfStorage": ("F16", "e", 2), "BFloat16Storage": ("BF16", None, 2),
    "DoubleStorage": ("F64", "d", 8),
}
TORCH_DTYPES = {"float32": "FloatStorage", "float16": "HalfStorage", "bfloat16": "BFloat16Storage", "float64": "DoubleStorage"}

PRESETS = {
    # openai/guided-diffusion README: 256x256_diffusion_uncond.pt
    "imagenet256-uncond": dict(image_size=256, num_channels=256, num_res_blocks=2, attention_resolutions="32,16,8",
                               channel_mult="", learn_sigma=True, class_cond=False, num_heads=4, num_head_channels=64,
                               num_heads_upsample=-1, use_scale_shift_norm=True, resblock_updown=True,
                               use_new_attention_order=False, diffusion_steps=1000, noise_schedule="linear"),
    # DPS (Chung et al. 2023) configs/model_config.yaml: ffhq_10m.pt
    "ffhq-dps": dict(image_size=256, num_channels=128, num_res_blocks=1, attention_resolutions="16", channel_mult="",
                     learn_sigma=True, class_cond=False, num_heads=4, num_head_channels=64, num_heads_upsample=-1,
                     use_scale_shift_norm=True, resblock_updown=True, use_new_attention_order=False,
                     diffusion_steps=1000, noise_schedule="linear"),
}
UNET_KEYS = ["image_size", "in_channels", "model_channels", "out_channels", "num_res_blocks", "attention_resolutions",
             "dropout", "channel_mult", "conv_resample", "dims", "num_classes", "use_checkpoint", "use_fp16", "num_heads",
             "num_head_channels", "num_heads_upsample", "use_scale_shift_norm", "resblock_updown", "use_new_attention_order"]


def unet_args(cfg):
    """UNetModel constructor arguments from either form (see the module docstring)."""
    if "model_channels" in cfg:  # already UNetModel arguments
        return {k: cfg[k] for k in UNET_KEYS if k in cfg}
    size = int(cfg["image_size"])
    mult = cfg.get("channel_mult", "")
    if mult == "":
        defaults = {256: [1, 1, 2, 2, 4, 4], 128: [1, 1, 2, 3, 4], 64: [1, 2, 3, 4]}
        if size not in defaults:
            sys.exit(f"no default channel_mult for image_size {size}; give channel_mult explicitly")
        mult = defaults[size]
    elif isinstance(mult, str):
        mult = [int(m) for m in mult.split(",")]
    res = cfg.get("attention_resolutions", "16,8")
    res = [int(r) for r in res.split(",")] if isinstance(res, str) else list(res)
    return dict(image_size=size, in_channels=3, model_channels=int(cfg["num_channels"]),
                out_channels=6 if cfg.get("learn_sigma", False) else 3, num_res_blocks=int(cfg["num_res_blocks"]),
                attention_resolutions=[size // r for r in res], dropout=float(cfg.get("dropout", 0.0)),
                channel_mult=mult, conv_resample=True, dims=2,
                num_classes=1000 if cfg.get("class_cond", False) else None, use_checkpoint=False, use_fp16=False,
                num_heads=int(cfg.get("num_heads", 4)), num_head_channels=int(cfg.get("num_head_channels", -1)),
                num_heads_upsample=int(cfg.get("num_heads_upsample", -1)),
                use_scale_shift_norm=bool(cfg.get("use_scale_shift_norm", True)),
                resblock_updown=bool(cfg.get("resblock_updown", False)),
                use_new_attention_order=bool(cfg.get("use_new_attention_order", False)))


class Tensor:
    """A tensor as the pickle describes it: a view (offset, size, stride) of a storage."""
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)


class Storage:
    def __init__(self, kind, key):
        self.kind, self.key = kind, key


def rebuild_tensor(storage, offset, size, stride, *rest):
    return Tensor(storage, offset, size, stride)


def rebuild_parameter(data, *rest):
    return data


class StorageType:
    def __init__(self, name):
        self.name = name


class Unpickler(pickle.Unpickler):
    """Rebuilds only tensors, storages and ordered dicts; refuses every other global."""
    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            import collections
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return rebuild_parameter
        if module == "torch" and name in DTYPES:
            return StorageType(name)
        if module == "torch" and name in TORCH_DTYPES:  # torch >= 2 may name the dtype instead
            return StorageType(TORCH_DTYPES[name])
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: not part of a plain state dict")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        kind = pid[1]
        name = kind.name if isinstance(kind, StorageType) else str(kind)
        if name not in DTYPES:
            raise pickle.UnpicklingError(f"unsupported storage type {name}")
        return Storage(name, str(pid[2]))


def load_state_dict(path):
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        sys.exit(f"{path}: not a PyTorch zip checkpoint (the pre-1.6 format is not supported; re-save it with torch.save)")
    names = z.namelist()
    pkl = [n for n in names if n.endswith("/data.pkl") or n == "data.pkl"]
    if len(pkl) != 1:
        sys.exit(f"{path}: no data.pkl in the zip")
    prefix = pkl[0][: -len("data.pkl")]
    obj = Unpickler(z.open(pkl[0])).load()
    for wrapper in ("state_dict", "model", "ema"):  # common training wrappers
        if isinstance(obj, dict) and wrapper in obj and isinstance(obj[wrapper], dict):
            obj = obj[wrapper]
    if not isinstance(obj, dict):
        sys.exit(f"{path}: the pickle is not a state dict")
    tensors = {}
    for key, t in obj.items():
        if not isinstance(t, Tensor):
            sys.exit(f"{path}: entry {key!r} is not a tensor")
        dtype, code, width = DTYPES[t.storage.kind]
        raw = z.read(prefix + "data/" + t.storage.key)
        if sys.byteorder != "little" and prefix + "byteorder" in names and z.read(prefix + "byteorder") != b"little":
            sys.exit("big-endian checkpoints are not supported")
        tensors[key.removeprefix("module.")] = (dtype, width, t, raw)
    return tensors


def elements(dtype, width, t, raw):
    """The tensor's elements in row-major order, as bytes of its dtype."""
    n = 1
    for s in t.size:
        n *= s
    contiguous, expect = True, 1
    for s, st in reversed(list(zip(t.size, t.stride))):
        if s != 1 and st != expect:
            contiguous = False
        expect *= s
    if contiguous:
        return raw[t.offset * width:(t.offset + n) * width]
    try:
        import numpy as np
    except ImportError:
        sys.exit("a non-contiguous tensor needs numpy to convert")
    base = np.frombuffer(raw, dtype={2: np.uint16, 4: np.uint32, 8: np.uint64}[width])
    view = np.lib.stride_tricks.as_strided(base[t.offset:], shape=t.size, strides=[s * width for s in t.stride])
    return np.ascontiguousarray(view).tobytes()


def to_float(dtype, width, data):
    """Decode to a list of Python floats."""
    count = len(data) // width
    if dtype == "BF16":
        return [struct.unpack("<f", b"\x00\x00" + data[2 * i:2 * i + 2])[0] for i in range(count)]
    return list(struct.unpack("<%d%s" % (count, {"F32": "f", "F16": "e", "F64": "d"}[dtype]), data))


def convert_bytes(dtype, width, data, out):
    """Bytes of `data` (dtype) converted to `out` ("F32" or "F16"); no conversion when equal."""
    if dtype == out:
        return data
    try:
        import numpy as np
        src = {"F32": np.float32, "F16": np.float16, "F64": np.float64}.get(dtype)
        if src is not None:
            return np.frombuffer(data, dtype=src).astype(np.float32 if out == "F32" else np.float16).tobytes()
        if dtype == "BF16":
            f = (np.frombuffer(data, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)
            return f.astype(np.float32 if out == "F32" else np.float16).tobytes()
    except ImportError:
        pass
    vals = to_float(dtype, width, data)
    return struct.pack("<%d%s" % (len(vals), "f" if out == "F32" else "e"), *vals)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoint")
    ap.add_argument("output")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--preset", choices=sorted(PRESETS))
    g.add_argument("--config", help="JSON file: UNetModel arguments or script_util flags")
    ap.add_argument("--dtype", choices=["f32", "f16"], default="f32", help="stored tensor type (default f32)")
    a = ap.parse_args()
    cfg = PRESETS[a.preset] if a.preset else json.load(open(a.config))
    args = unet_args(cfg)
    tensors = load_state_dict(a.checkpoint)
    out_dtype = a.dtype.upper()
    header, blobs, offset = {}, [], 0
    for key in sorted(tensors):
        dtype, width, t, raw = tensors[key]
        data = convert_bytes(dtype, width, elements(dtype, width, t, raw), out_dtype)
        header[key] = {"dtype": out_dtype, "shape": list(t.size), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {
        "format": "guided-diffusion-unet", "config": json.dumps(args),
        "diffusion_steps": str(cfg.get("diffusion_steps", 1000)), "noise_schedule": str(cfg.get("noise_schedule", "linear")),
        "rescale_timesteps": str(bool(cfg.get("rescale_timesteps", False))).lower(),
    }
    hj = json.dumps(header, separators=(",", ":")).encode()
    hj += b" " * ((8 - len(hj) % 8) % 8)
    with open(a.output, "wb") as f:
        f.write(struct.pack("<Q", len(hj)))
        f.write(hj)
        for b in blobs:
            f.write(b)
    print(f"{a.output}: {len(tensors)} tensors, {offset / 2**20:.1f} MiB, config {json.dumps(args)}")


if __name__ == "__main__":
    main()
