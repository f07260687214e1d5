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

Training: ε-prediction with the linear β schedule (1e-4 … 0.02, T = 1000), uniform t, random
64×64 crops of the training photos at a random scale in [0.5, 1] with horizontal flips, AdamW,
bf16 autocast, gradient-norm clip 1, EMA. It runs for a wall-clock budget and writes the EMA
weights atomically every `--save-every` seconds and at the end.

Usage (on the device machine, photos from `Scripts/fetch-photos`):
    python3 Scripts/gpu/train_unet_torch.py --images .cache/photos/png --out $OUT/unet.safetensors \
        --channels 64 --mult 1,2,2,2 --res-blocks 2 --attention 8 --seconds 420
"""
import argparse, glob, json, math, os, random, sys, time

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

def load_pyramid(folder, device, scales):
    from PIL import Image
    paths = sorted(glob.glob(os.path.join(folder, "*.png")))
    if not paths:
        sys.exit(f"no PNG files in {folder}")
    levels = []
    for p in paths:
        im = Image.open(p).convert("RGB")
        for s in scales:
            w, h = max(64, round(im.width * s)), max(64, round(im.height * s))
            arr = np.asarray(im.resize((w, h), Image.LANCZOS) if s != 1 else im, dtype=np.uint8)
            levels.append(torch.from_numpy(arr.copy()).permute(2, 0, 1).contiguous().to(device))
    return paths, levels


def batch_of_crops(levels, batch, crop, rng):
    out = []
    for _ in range(batch):
        im = levels[rng.randrange(len(levels))]
        top, left = rng.randrange(im.shape[1] - crop + 1), rng.randrange(im.shape[2] - crop + 1)
        c = im[:, top:top + crop, left:left + crop]
        out.append(c.flip(-1) if rng.random() < 0.5 else c)
    return torch.stack(out).float().div_(127.5).sub_(1)


# ---------------------------------------------------------------- training

def save_ema(ema, config, meta, path):
    tensors = {k: v.detach().float().cpu().contiguous() for k, v in ema.items()}
    tmp = path + ".tmp"
    save_file(tensors, tmp, metadata=meta | {"config": json.dumps(config, sort_keys=True, separators=(",", ":"))})
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--mult", default="1,2,2,2")
    ap.add_argument("--res-blocks", type=int, default=2)
    ap.add_argument("--attention", default="8", help="downsample factors with attention, comma-separated")
    ap.add_argument("--head-channels", type=int, default=32)
    ap.add_argument("--crop", type=int, default=64)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--seconds", type=float, default=420)
    ap.add_argument("--save-every", type=float, default=60)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--fixture", default="Tests/NetworksTests/Fixtures/adm-tiny")
    a = ap.parse_args()

    if parity_check(a.fixture) > 1e-4:
        sys.exit("parity check failed: the PyTorch U-Net is not guided-diffusion's; not training")
    device = "cuda"
    torch.manual_seed(a.seed); rng = random.Random(a.seed)
    torch.backends.cuda.matmul.allow_tf32 = True; torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = True

    config = dict(image_size=a.crop, in_channels=3, model_channels=a.channels, out_channels=3,
                  num_res_blocks=a.res_blocks, attention_resolutions=[int(s) for s in a.attention.split(",") if s],
                  dropout=0.0, channel_mult=[int(m) for m in a.mult.split(",")], conv_resample=True, dims=2,
                  num_classes=None, use_checkpoint=False, use_fp16=False, num_heads=1,
                  num_head_channels=a.head_channels, num_heads_upsample=-1, use_scale_shift_norm=True,
                  resblock_updown=True, use_new_attention_order=False)
    model = UNetModel(**config).to(device).to(memory_format=torch.channels_last)
    nparams = sum(p.numel() for p in model.parameters())
    ema = {k: v.detach().clone().float() for k, v in model.state_dict().items()}
    live = model.state_dict()
    ema_list, live_list = [ema[k] for k in live], [live[k] for k in live]
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.0)

    paths, levels = load_pyramid(a.images, device, [1.0, 0.87, 0.76, 0.66, 0.57, 0.5])
    beta = torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64)
    abar = torch.cumprod(1 - beta, 0).float().to(device)
    print(f"{os.path.basename(a.out)}: {nparams / 1e6:.2f} M parameters, {len(paths)} photos x 6 scales, "
          f"batch {a.batch} of {a.crop}x{a.crop}, {a.seconds:.0f} s budget", flush=True)

    meta = {"format": "guided-diffusion-unet", "diffusion_steps": "1000", "noise_schedule": "linear",
            "rescale_timesteps": "false"}
    start = last_save = time.time(); step = 0; running = None
    gen = torch.Generator(device=device); gen.manual_seed(a.seed)
    while time.time() - start < a.seconds:
        x0 = batch_of_crops(levels, a.batch, a.crop, rng).contiguous(memory_format=torch.channels_last)
        t = torch.randint(0, 1000, (a.batch,), device=device, generator=gen)
        eps = torch.randn(x0.shape, device=device, generator=gen)
        ab = abar[t].view(-1, 1, 1, 1)
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
        for g in opt.param_groups:
            g["lr"] = a.lr * min(1.0, (step + 1) / 200)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = F.mse_loss(model(xt, t.float()).float(), eps)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step(); step += 1
        d = min(a.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            torch._foreach_lerp_(ema_list, live_list, 1 - d)
        if step % 100 == 0:
            l = loss.item(); running = l if running is None else 0.9 * running + 0.1 * l
            print(f"step {step}  loss {l:.4f}  (smoothed {running:.4f})  {time.time() - start:.0f} s", flush=True)
        if time.time() - last_save > a.save_every:
            save_ema(ema, config, meta | {"step": str(step), "trainer": trainer_note(a, nparams)}, a.out); last_save = time.time()
    save_ema(ema, config, meta | {"step": str(step), "trainer": trainer_note(a, nparams)}, a.out)
    print(f"done: {step} steps in {time.time() - start:.0f} s -> {a.out}", flush=True)


def trainer_note(a, nparams):
    return (f"Scripts/gpu/train_unet_torch.py on one GPU: eps-prediction, AdamW lr {a.lr} (200-step warm-up), "
            f"EMA {a.ema}, bf16 autocast, crops {a.crop} at scale 0.5-1 with flips, batch {a.batch}, seed {a.seed}, "
            f"{nparams} parameters")


if __name__ == "__main__":
    main()
