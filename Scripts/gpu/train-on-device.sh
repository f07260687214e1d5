#!/usr/bin/env bash
# Trains the two shipped U-Net priors side by side on one lent GPU (see train_unet_torch.py):
#   unet.safetensors        64 channels, multipliers 1,2,2,2, two residual blocks per level
#   unet-small.safetensors  32 channels, same layout (4x cheaper on the CPU)
# Usage: Scripts/gpu/train-on-device.sh OUTDIR SECONDS     (photos from Scripts/fetch-photos)
set -uo pipefail
out="${1:?output folder}"; secs="${2:-420}"
export PYTHONUNBUFFERED=1
here="$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
python3 "$here/train_unet_torch.py" --images .cache/photos/png --out "$out/unet.safetensors" \
    --channels 64 --seconds "$secs" > "$out/unet.log" 2>&1 &
python3 "$here/train_unet_torch.py" --images .cache/photos/png --out "$out/unet-small.safetensors" \
    --channels 32 --seconds "$secs" > "$out/unet-small.log" 2>&1 &
wait
# files over 16 MiB do not come back from the device: split them (cat joins them)
for f in "$out"/*.safetensors; do [ "$(stat -c %s "$f")" -gt 15000000 ] && split -b 15000000 "$f" "$f.part-" && rm "$f"; done
ls -l "$out"
tail -n 4 "$out/unet.log" "$out/unet-small.log"
grep -h "parameters\|parity" "$out"/*.log
