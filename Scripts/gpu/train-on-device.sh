#!/usr/bin/env bash
# Trains two U-Net prior candidates side by side on one GPU (see train_unet_torch.py):
#   unet-more.safetensors  the shipped network (Stdlib/priors/unet.safetensors) trained further:
#                          same layout and CPU cost, 128/64 crops at 8 scales 0.25-1, cosine lr,
#                          batch doubled when that is nearly free (--batch-auto 2)
#   unet-wide.safetensors  channels 64,64,128,128 (shipped: 32,64,64,64; 2.5x its CPU cost), from
#                          scratch, same data and schedule, torch.compile (eager if that fails)
# Usage: Scripts/gpu/train-on-device.sh OUTDIR SECONDS [SCRIPT_DIR]   (photos from Scripts/fetch-photos)
# Every training process is stopped with SIGTERM 60 s after its budget at the latest (it then
# saves), and checkpoints over 15 MB are split (cat joins them), since larger files do not come
# back from the device.
set -uo pipefail
out="${1:?output folder}"; secs="${2:-420}"; here="${3:-$(dirname "$0")}"
mkdir -p "$out"
export PYTHONUNBUFFERED=1
{ nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm --format=csv,noheader
  python3 -c 'import torch; print("torch", torch.__version__, torch.cuda.get_device_name())'; } > "$out/device.log" 2>&1
nvidia-smi dmon -s u -d 15 >> "$out/device.log" 2>&1 &
dmon=$!
common=(--images .cache/photos/png --crops 128,64 --batch 64 --min-scale 0.25 --levels 8
        --lr-final 0.1 --seconds "$secs" --save-every 60)
timeout -k 20 $((${secs%.*} + 60)) python3 "$here/train_unet_torch.py" "${common[@]}" \
    --init Stdlib/priors/unet.safetensors --lr 2e-4 --batch-auto 2 --out "$out/unet-more.safetensors" > "$out/unet-more.log" 2>&1 &
a=$!
timeout -k 20 $((${secs%.*} + 60)) python3 "$here/train_unet_torch.py" "${common[@]}" \
    --channels 64 --mult 1,1,2,2 --lr 3e-4 --compile --out "$out/unet-wide.safetensors" > "$out/unet-wide.log" 2>&1 &
b=$!
wait "$a"; echo "unet-more exit $?" >> "$out/device.log"
wait "$b"; echo "unet-wide exit $?" >> "$out/device.log"
kill "$dmon" 2>/dev/null
rm -f "$out"/*.tmp
# files over 16 MiB do not come back from the device: split them (cat joins them)
for f in "$out"/*.safetensors; do
    [ -f "$f" ] && [ "$(stat -c %s "$f")" -gt 15000000 ] && split -b 15000000 "$f" "$f.part-" && rm "$f"
done
ls -l "$out"
cat "$out/device.log"
grep -h "parameters\|parity\|layout\|timing" "$out"/unet-*.log
tail -n 3 "$out/unet-more.log" "$out/unet-wide.log"
