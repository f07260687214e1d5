#!/usr/bin/env python3
"""Train an ADM (guided-diffusion) U-Net prior on a GPU, for `red`'s Swift `UNetPrior`.

The Swift trainer (`Scripts/train-unet`, `red-train-unet`) needs no accelerator; this script is
the fast route where a GPU is available. It rebuilds
guided-diffusion's `UNetModel` (commit 22e0df8, `guided_diffusion/unet.py`) with the *same
module names*, so `state_dict()` keys are the original checkpoint keys that `UNetModel` in
`Sources/Networks` loads, and writes the EMA weights as safetensors with the metadata `red`
reads (`format = guided-diffusion-unet`, `config`, `diffusion_steps`, `noise_schedule`, `step`).

Before training it checks the re-implementation against the adm-tiny fixture
(`Tests/NetworksTests/Fixtures/adm-tiny`, the reference forward pass of the original code) and
stops if the output differs by more than 1e-4, so a structural mistake costs seconds, not a run.

Training: ε-prediction with the linear β schedule (1e-4 … 0.02, T = 1000), uniform t, AdamW,
bf16 autocast, gradient-norm clip 1, EMA. The learning rate warms up linearly and then follows a
cosine (over the wall-clock budget) down to `--lr-final` × `--lr`. It runs for a wall-clock budget
and writes the EMA weights atomically every `--save-every` seconds, at the end, and on SIGTERM.

Data stay on the GPU: every photo is resampled once (antialiased bicubic) to `--levels` scales
between `--min-scale` and 1, stored as uint8 in one flat buffer, and each batch is one gather of
random crops (uniform over the (photo, scale) pairs large enough for the crop, uniform position,
horizontal flip with probability ½), so the input pipeline costs a few kernel launches per step.
`--crops 128,64` alternates crop sizes step by step; each size's batch holds the same number of
pixels as `--batch` crops of the first size.

`--init FILE` continues from a checkpoint this script (or the Swift trainer) wrote: the network
layout comes from the file's `config`, its weights start both the model and the EMA, and the
step count continues from its metadata `step`.

Usage (on the device machine, photos from `Scripts/fetch-photos`):
    python3 Scripts/gpu/train_unet_torch.py --images .cache/photos/png --out $OUT/unet.safetensors \
        --channels 64 --mult 1,2,2,2 --res-blocks 2 --attention 8 --seconds 420
    python3 Scripts/gpu/train_unet_torch.py --images .cache/photos/png --out $OUT/unet-more.safetensors \
        --init Stdlib/priors/unet.safetensors --crops 128,64 --batch 64 --lr 2e-4 --seconds 420
`--device cpu --seconds 20 --crops 32 --batch 2` is a smoke run that needs no GPU.
"""
import argparse, glob, json, math, os, signal, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from safetensors import safe_open


# ---------------------------------------------------------------- guided-diffusion UNetModel

class GroupNorm32(nn.GroupNorm):
    def forward(self, x):
        return super().forward(x if x.dtype == torch.float64 else x.float()).type(x.dtype)


def normalization(ch):
    return GroupNorm32(32, ch)


def timestep_embedding(t, dim, max_period=10000):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(0, half, dtype=torch.float32, device=t.device) / half)
    args = t[:, None].float() * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
    return emb


class TimestepEmbedSequential(nn.Sequential):
    def forward(self, x, emb):
        for layer in self:
            x = layer(x, emb) if isinstance(layer, ResBlock) else layer(x)
        return x


class Upsample(nn.Module):
    def __init__(self, channels, use_conv, out_channels=None):
        super().__init__()
        self.use_conv = use_conv
        if use_conv:
            self.conv = nn.Conv2d(channels, out_channels or channels, 3, padding=1)

    def forward(self, x):
        x = F.interpolate(x, scale_factor=2, mode="nearest")
        return self.conv(x) if self.use_conv else x


class Downsample(nn.Module):
    def __init__(self, channels, use_conv, out_channels=None):
        super().__init__()
        self.op = nn.Conv2d(channels, out_channels or channels, 3, stride=2, padding=1) if use_conv \
            else nn.AvgPool2d(2, 2)

    def forward(self, x):
        return self.op(x)


class ResBlock(nn.Module):
    def __init__(self, channels, emb_channels, dropout, out_channels, use_scale_shift_norm, up=False, down=False):
        super().__init__()
        self.use_scale_shift_norm = use_scale_shift_norm
        self.in_layers = nn.Sequential(normalization(channels), nn.SiLU(), nn.Conv2d(channels, out_channels, 3, padding=1))
        self.updown = up or down
        if up:
            self.h_upd, self.x_upd = Upsample(channels, False), Upsample(channels, False)
        elif down:
            self.h_upd, self.x_upd = Downsample(channels, False), Downsample(channels, False)
        else:
            self.h_upd = self.x_upd = nn.Identity()
        self.emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(emb_channels, 2 * out_channels if use_scale_shift_norm else out_channels))
        conv = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        nn.init.zeros_(conv.weight); nn.init.zeros_(conv.bias)          # zero_module, as upstream
        self.out_layers = nn.Sequential(normalization(out_channels), nn.SiLU(), nn.Dropout(dropout), conv)
        self.skip_connection = nn.Identity() if out_channels == channels else nn.Conv2d(channels, out_channels, 1)

    def forward(self, x, emb):
        if self.updown:
            h = self.in_layers[:-1](x)
            h = self.h_upd(h); x = self.x_upd(x)
            h = self.in_layers[-1](h)
        else:
            h = self.in_layers(x)
        e = self.emb_layers(emb).type(h.dtype)[..., None, None]
        if self.use_scale_shift_norm:
            scale, shift = torch.chunk(e, 2, dim=1)
            h = self.out_layers[0](h) * (1 + scale) + shift
            h = self.out_layers[1:](h)
        else:
            h = self.out_layers(h + e)
        return self.skip_connection(x) + h


class AttentionBlock(nn.Module):
    """Legacy qkv order (QKVAttentionLegacy), as in the released ADM checkpoints."""
    def __init__(self, channels, num_heads=1, num_head_channels=-1):
        super().__init__()
        self.num_heads = num_heads if num_head_channels == -1 else channels // num_head_channels
        self.norm = normalization(channels)
        self.qkv = nn.Conv1d(channels, channels * 3, 1)
        self.proj_out = nn.Conv1d(channels, channels, 1)
        nn.init.zeros_(self.proj_out.weight); nn.init.zeros_(self.proj_out.bias)

    def forward(self, x):
        b, c, *spatial = x.shape
        x = x.reshape(b, c, -1)
        qkv = self.qkv(self.norm(x))
        bs, width, length = qkv.shape
        ch = width // (3 * self.num_heads)
        q, k, v = qkv.reshape(bs * self.num_heads, ch * 3, length).split(ch, dim=1)
        # softmax(qᵀk/√ch)·v, computed by the fused kernel (same maths as upstream's einsum pair)
        a = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))
        h = self.proj_out(a.transpose(1, 2).reshape(bs, -1, length))
        return (x + h).reshape(b, c, *spatial)


class UNetModel(nn.Module):
    def __init__(self, in_channels, model_channels, out_channels, num_res_blocks, attention_resolutions,
                 dropout=0.0, channel_mult=(1, 2, 4, 8), conv_resample=True, num_heads=1, num_head_channels=-1,
                 num_heads_upsample=-1, use_scale_shift_norm=False, resblock_updown=False, **_):
        super().__init__()
        if num_heads_upsample == -1:
            num_heads_upsample = num_heads
        self.model_channels = model_channels
        ted = model_channels * 4
        self.time_embed = nn.Sequential(nn.Linear(model_channels, ted), nn.SiLU(), nn.Linear(ted, ted))
        ch = input_ch = int(channel_mult[0] * model_channels)
        self.input_blocks = nn.ModuleList([TimestepEmbedSequential(nn.Conv2d(in_channels, ch, 3, padding=1))])
        chans, ds = [ch], 1
        for level, mult in enumerate(channel_mult):
            for _ in range(num_res_blocks):
                layers = [ResBlock(ch, ted, dropout, int(mult * model_channels), use_scale_shift_norm)]
                ch = int(mult * model_channels)
                if ds in attention_resolutions:
                    layers.append(AttentionBlock(ch, num_heads, num_head_channels))
                self.input_blocks.append(TimestepEmbedSequential(*layers))
                chans.append(ch)
            if level != len(channel_mult) - 1:
                self.input_blocks.append(TimestepEmbedSequential(
                    ResBlock(ch, ted, dropout, ch, use_scale_shift_norm, down=True) if resblock_updown
                    else Downsample(ch, conv_resample, ch)))
                chans.append(ch); ds *= 2
        self.middle_block = TimestepEmbedSequential(
            ResBlock(ch, ted, dropout, ch, use_scale_shift_norm),
            AttentionBlock(ch, num_heads, num_head_channels),
            ResBlock(ch, ted, dropout, ch, use_scale_shift_norm))
        self.output_blocks = nn.ModuleList([])
        for level, mult in list(enumerate(channel_mult))[::-1]:
            for i in range(num_res_blocks + 1):
                ich = chans.pop()
                layers = [ResBlock(ch + ich, ted, dropout, int(model_channels * mult), use_scale_shift_norm)]
                ch = int(model_channels * mult)
                if ds in attention_resolutions:
                    layers.append(AttentionBlock(ch, num_heads_upsample, num_head_channels))
                if level and i == num_res_blocks:
                    layers.append(ResBlock(ch, ted, dropout, ch, use_scale_shift_norm, up=True) if resblock_updown
                                  else Upsample(ch, conv_resample, ch))
                    ds //= 2
                self.output_blocks.append(TimestepEmbedSequential(*layers))
        conv = nn.Conv2d(input_ch, out_channels, 3, padding=1)
        nn.init.zeros_(conv.weight); nn.init.zeros_(conv.bias)
        self.out = nn.Sequential(normalization(ch), nn.SiLU(), conv)

    def forward(self, x, t):
        emb = self.time_embed(timestep_embedding(t, self.model_channels).to(self.time_embed[0].weight.dtype))
        hs, h = [], x
        for m in self.input_blocks:
            h = m(h, emb); hs.append(h)
        h = self.middle_block(h, emb)
        for m in self.output_blocks:
            h = m(torch.cat([h, hs.pop()], dim=1), emb)
        return self.out(h)


# ---------------------------------------------------------------- parity with the fixture

def parity_check(fixture_dir):
    """Load adm-tiny with its original keys (strict) and compare the forward pass to the reference."""
    with safe_open(os.path.join(fixture_dir, "model.safetensors"), "pt") as f:
        config = json.loads(f.metadata()["config"])
    model = UNetModel(**config).double()
    model.load_state_dict({k: v.double() for k, v in load_file(os.path.join(fixture_dir, "model.safetensors")).items()}, strict=True)
    io = load_file(os.path.join(fixture_dir, "io.safetensors"))
    with torch.no_grad():
        out = model(io["x"].double(), io["t"].double()).float()
    err = (out - io["out"]).abs().max().item()
    print(f"parity: adm-tiny max |out - reference| = {err:.3g}", flush=True)
    return err


# ---------------------------------------------------------------- data

def read_photos(folder):
    """The PNG photos of `folder` as uint8 H×W×3 arrays (sorted by name)."""
    from PIL import Image
    paths = sorted(glob.glob(os.path.join(folder, "*.png")))
    if not paths:
        sys.exit(f"no PNG files in {folder}")
    return paths, [np.asarray(Image.open(p).convert("RGB"), dtype=np.uint8) for p in paths]


class GpuCrops:
    """All photos at all scales in one flat uint8 buffer on the device; random crops by one gather."""

    def __init__(self, photos, device, scales, crops):
        chunks, offsets, hs, ws = [], [], [], []
        offset = 0
        for arr in photos:
            x = torch.from_numpy(arr.copy()).to(device).permute(2, 0, 1)[None].float()
            for s in scales:
                h, w = round(x.shape[2] * s), round(x.shape[3] * s)
                if min(h, w) < min(crops):
                    continue
                y = x if s == 1 else F.interpolate(x, size=(h, w), mode="bicubic", antialias=True, align_corners=False)
                y = y.round().clamp(0, 255).to(torch.uint8)[0]
                chunks.append(y.reshape(-1)); offsets.append(offset); hs.append(h); ws.append(w)
                offset += y.numel()
        self.device = device
        self.buffer = torch.cat(chunks)
        self.offsets = torch.tensor(offsets, dtype=torch.int64, device=device)
        self.hs = torch.tensor(hs, dtype=torch.int64, device=device)
        self.ws = torch.tensor(ws, dtype=torch.int64, device=device)
        # for each crop size, the (photo, scale) entries it fits in
        self.valid = {c: torch.tensor([i for i in range(len(hs)) if min(hs[i], ws[i]) >= c],
                                      dtype=torch.int64, device=device) for c in crops}
        self.count = len(hs)
        self.pixels = int(sum(h * w for h, w in zip(hs, ws)))

    def batch(self, batch, crop, gen):
        """`batch` random crops crop×crop in [-1, 1], float32, shape (batch, 3, crop, crop)."""
        dev, valid = self.device, self.valid[crop]
        pick = valid[torch.randint(0, len(valid), (batch,), device=dev, generator=gen)]
        h, w = self.hs[pick], self.ws[pick]
        top = torch.minimum((torch.rand(batch, device=dev, generator=gen) * (h - crop + 1)).long(), h - crop)
        left = torch.minimum((torch.rand(batch, device=dev, generator=gen) * (w - crop + 1)).long(), w - crop)
        flip = torch.rand(batch, device=dev, generator=gen) < 0.5
        r = torch.arange(crop, device=dev)
        col = torch.where(flip[:, None], crop - 1 - r[None], r[None])                       # (B, crop)
        view = lambda v: v.view(batch, 1, 1, 1)
        index = (view(self.offsets[pick]) + torch.arange(3, device=dev).view(1, 3, 1, 1) * view(h * w)
                 + (view(top) + r.view(1, 1, crop, 1)) * view(w) + view(left) + col.view(batch, 1, 1, crop))
        return self.buffer[index].float().div_(127.5).sub_(1)


# ---------------------------------------------------------------- training

def save_ema(ema, config, meta, path):
    tensors = {k: v.detach().float().cpu().contiguous() for k, v in ema.items()}
    tmp = path + ".tmp"
    save_file(tensors, tmp, metadata=meta | {"config": json.dumps(config, sort_keys=True, separators=(",", ":"))})
    os.replace(tmp, path)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="Train a guided-diffusion U-Net prior for red (see the module doc).")
    ap.add_argument("--images", required=True, help="folder of training PNGs (Scripts/fetch-photos)")
    ap.add_argument("--out", required=True, help="output .safetensors (EMA weights)")
    ap.add_argument("--init", default=None, help="continue from this checkpoint (its config sets the layout)")
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--mult", default="1,2,2,2")
    ap.add_argument("--res-blocks", type=int, default=2)
    ap.add_argument("--attention", default="8", help="downsample factors with attention, comma-separated")
    ap.add_argument("--head-channels", type=int, default=32)
    ap.add_argument("--crops", "--crop", dest="crops", default="64",
                    help="crop sizes, comma-separated, alternated step by step")
    ap.add_argument("--batch", type=int, default=128, help="batch size at the first crop size")
    ap.add_argument("--min-scale", type=float, default=0.5, help="smallest photo scale")
    ap.add_argument("--levels", type=int, default=6, help="number of scales, geometric from 1 to --min-scale")
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--lr-final", type=float, default=1.0, help="final lr as a fraction of --lr (cosine); 1 = constant")
    ap.add_argument("--warmup", type=int, default=200, help="linear warm-up steps")
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--seconds", type=float, default=420, help="wall-clock budget from the start of training")
    ap.add_argument("--save-every", type=float, default=60)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--layout", choices=["auto", "nchw", "nhwc"], default="auto",
                    help="activation memory format; auto times both for a few steps and keeps the faster")
    ap.add_argument("--batch-auto", type=int, default=1,
                    help="allow doubling the batch up to this factor while the step time grows less than 1.5x")
    ap.add_argument("--compile", action="store_true",
                    help="torch.compile the network (static shapes); falls back to eager if compiling fails")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--fixture", default="Tests/NetworksTests/Fixtures/adm-tiny")
    a = ap.parse_args(argv)
    a.crop_list = [int(c) for c in a.crops.split(",") if c]
    a.scales = [a.min_scale ** (i / (a.levels - 1)) for i in range(a.levels)] if a.levels > 1 else [1.0]
    if not a.crop_list or any(c <= 0 for c in a.crop_list):
        ap.error("--crops needs positive sizes")
    return a


def model_config(a):
    if a.init:
        with safe_open(a.init, "pt") as f:
            meta = f.metadata() or {}
        if "config" not in meta:
            sys.exit(f"{a.init}: no 'config' in the safetensors metadata; not a checkpoint this script can continue")
        config = json.loads(meta["config"])
        return config | {"image_size": a.crop_list[0]}, int(meta.get("step", "0"))
    return dict(image_size=a.crop_list[0], in_channels=3, model_channels=a.channels, out_channels=3,
                num_res_blocks=a.res_blocks, attention_resolutions=[int(s) for s in a.attention.split(",") if s],
                dropout=0.0, channel_mult=[int(m) for m in a.mult.split(",")], conv_resample=True, dims=2,
                num_classes=None, use_checkpoint=False, use_fp16=False, num_heads=1,
                num_head_channels=a.head_channels, num_heads_upsample=-1, use_scale_shift_norm=True,
                resblock_updown=True, use_new_attention_order=False), 0


def batch_sizes(a):
    c0 = a.crop_list[0]
    return [max(1, round(a.batch * (c0 / c) ** 2)) for c in a.crop_list]


def time_steps(model, a, data, gen, abar, amp, fmt, batch, crop, steps=5):
    """Seconds per forward+backward (no optimiser step) at this batch, after 3 untimed steps."""
    for i in range(steps + 3):
        if i == 3:
            sync(a.device); t0 = time.time()
        diffusion_loss(model, data.batch(batch, crop, gen), abar, gen, amp, fmt).backward()
        model.zero_grad(set_to_none=True)
    sync(a.device)
    return (time.time() - t0) / steps


def probe(model, a, data, gen, abar, amp):
    """Pick the memory format (`--layout auto`: the faster of NCHW and NHWC) and, with
    `--batch-auto N`, double the batch (up to N times the given one) while a step of twice the
    batch costs less than 1.5 times as long (the step is bound by launch overhead, not the GPU)."""
    crop, batch = a.crop_list[0], batch_sizes(a)[0]
    formats = {"nchw": torch.contiguous_format, "nhwc": torch.channels_last}
    times = {}
    for layout in (["nchw", "nhwc"] if a.layout == "auto" else [a.layout]):
        model.to(memory_format=formats[layout])
        times[layout] = time_steps(model, a, data, gen, abar, amp, formats[layout], batch, crop)
    layout = min(times, key=times.get)
    fmt = formats[layout]
    model.to(memory_format=fmt)
    print("layout: " + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in times.items())
          + f" per forward+backward of {batch} crops of {crop} -> {layout}", flush=True)
    factor, t = 1, times[layout]
    while factor * 2 <= a.batch_auto:
        t2 = time_steps(model, a, data, gen, abar, amp, fmt, batch * factor * 2, crop)
        print(f"batch {batch * factor * 2}: {t2 * 1000:.1f} ms (x{t2 / t:.2f} for twice the batch)", flush=True)
        if t2 >= 1.5 * t:
            break
        factor, t = factor * 2, t2
    return layout, fmt, factor


def sync(device):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def diffusion_loss(model, x0, abar, gen, amp, fmt):
    """mean ‖ε̂(√ᾱ_t x0 + √(1−ᾱ_t) ε, t) − ε‖² with t uniform, for a batch x0 in [-1, 1]."""
    b = x0.shape[0]
    t = torch.randint(0, len(abar), (b,), device=x0.device, generator=gen)
    eps = torch.randn(x0.shape, device=x0.device, generator=gen)
    ab = abar[t].view(-1, 1, 1, 1)
    xt = (ab.sqrt() * x0 + (1 - ab).sqrt() * eps).contiguous(memory_format=fmt)
    with amp():
        out = model(xt, t.float())
    return F.mse_loss(out.float(), eps)


def main():
    a = parse_args()
    if parity_check(a.fixture) > 1e-4:
        sys.exit("parity check failed: the PyTorch U-Net is not guided-diffusion's; not training")
    device = a.device
    torch.manual_seed(a.seed)
    if device.startswith("cuda"):
        torch.backends.cuda.matmul.allow_tf32 = True; torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
        amp = lambda: torch.autocast("cuda", dtype=torch.bfloat16)
    else:
        amp = lambda: torch.autocast("cpu", dtype=torch.bfloat16, enabled=False)

    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))

    config, step0 = model_config(a)
    model = UNetModel(**config).to(device)
    if a.init:
        state = load_file(a.init)
        model.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
    nparams = sum(p.numel() for p in model.parameters())

    t_data = time.time()
    paths, photos = read_photos(a.images)
    data = GpuCrops(photos, device, a.scales, a.crop_list)
    del photos
    sync(device)
    beta = torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64)
    abar = torch.cumprod(1 - beta, 0).float().to(device)
    gen = torch.Generator(device=device); gen.manual_seed(a.seed)
    sizes = batch_sizes(a)
    print(f"{os.path.basename(a.out)}: {nparams / 1e6:.2f} M parameters"
          f"{' from ' + a.init + ' (step ' + str(step0) + ')' if a.init else ' from scratch'}, "
          f"{len(paths)} photos x {len(a.scales)} scales {a.min_scale:g}-1 ({data.count} entries, "
          f"{data.pixels / 1e6:.1f} M pixels on {device}, {time.time() - t_data:.1f} s), "
          f"crops {a.crop_list} with batches {sizes}, lr {a.lr:g} -> {a.lr * a.lr_final:g}, "
          f"{a.seconds:.0f} s budget", flush=True)

    start = time.time()
    layout, fmt, factor = probe(model, a, data, gen, abar, amp)
    if factor > 1:
        a.batch *= factor; sizes = batch_sizes(a)
        print(f"batch: {a.batch} at crop {a.crop_list[0]} (batches {sizes})", flush=True)
    net = model
    if a.compile:
        t0 = time.time()
        try:
            compiled = torch.compile(model, dynamic=False)
            for k, c in enumerate(a.crop_list):                          # compile every shape now
                diffusion_loss(compiled, data.batch(sizes[k], c, gen), abar, gen, amp, fmt).backward()
            model.zero_grad(set_to_none=True)
            tc = time_steps(compiled, a, data, gen, abar, amp, fmt, sizes[0], a.crop_list[0])
            net = compiled
            print(f"compile: {time.time() - t0:.0f} s; {tc * 1000:.1f} ms per forward+backward compiled", flush=True)
        except Exception as e:                                             # noqa: BLE001 - any failure: eager
            model.zero_grad(set_to_none=True)
            print(f"compile failed after {time.time() - t0:.0f} s ({type(e).__name__}: {str(e)[:300]}); training eager", flush=True)

    live = model.state_dict()
    ema = {k: v.detach().clone().float() for k, v in live.items()}
    ema_list, live_list = [ema[k] for k in live], [live[k] for k in live]
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.0)

    meta = {"format": "guided-diffusion-unet", "diffusion_steps": "1000", "noise_schedule": "linear",
            "rescale_timesteps": "false"}
    note = trainer_note(a, nparams, step0)
    last_save = time.time(); step = 0; running = None; losses = []
    prof_t0 = None
    while not stop["now"]:
        elapsed = time.time() - start
        if elapsed >= a.seconds:
            break
        k = step % len(a.crop_list)
        x0 = data.batch(sizes[k], a.crop_list[k], gen)
        progress = min(1.0, elapsed / a.seconds)
        lr = a.lr * (a.lr_final + (1 - a.lr_final) * 0.5 * (1 + math.cos(math.pi * progress)))
        lr *= min(1.0, (step + 1) / a.warmup) if a.warmup > 0 else 1.0
        for g in opt.param_groups:
            g["lr"] = lr
        loss = diffusion_loss(net, x0, abar, gen, amp, fmt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step(); step += 1
        d = min(a.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            torch._foreach_lerp_(ema_list, live_list, 1 - d)
        losses.append(loss.detach())
        if step == 20:
            sync(device); prof_t0 = time.time()
        if step == 120 and prof_t0 is not None:
            sync(device); print(f"timing: {(time.time() - prof_t0) * 10:.1f} ms/step over steps 21-120 (all crop sizes)", flush=True)
        if step % 100 == 0:
            l = torch.stack(losses).mean().item(); losses = []
            running = l if running is None else 0.9 * running + 0.1 * l
            print(f"step {step}  loss {l:.4f}  (smoothed {running:.4f})  lr {lr:.2e}  {time.time() - start:.0f} s  "
                  f"{step / (time.time() - start):.1f} steps/s", flush=True)
        if time.time() - last_save > a.save_every:
            save_ema(ema, config, meta | {"step": str(step0 + step), "trainer": note}, a.out); last_save = time.time()
    save_ema(ema, config, meta | {"step": str(step0 + step), "trainer": note}, a.out)
    print(f"done: {step} steps in {time.time() - start:.0f} s ({'stopped by SIGTERM, ' if stop['now'] else ''}"
          f"total {step0 + step}) -> {a.out}", flush=True)


def trainer_note(a, nparams, step0):
    return (f"Scripts/gpu/train_unet_torch.py on one GPU: eps-prediction, AdamW lr {a.lr} ({a.warmup}-step warm-up, "
            f"cosine to {a.lr * a.lr_final:g}), EMA {a.ema}, bf16 autocast, crops {a.crops} at {a.levels} scales "
            f"{a.min_scale:g}-1 with flips, batch {a.batch}, seed {a.seed}, {nparams} parameters"
            + (f", continued from {os.path.basename(a.init)} at step {step0}" if a.init else ""))


if __name__ == "__main__":
    main()
