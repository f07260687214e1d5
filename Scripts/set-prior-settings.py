#!/usr/bin/env python3
"""Writes recommended sampler settings into a prior file's safetensors metadata (`red_settings`).

    Scripts/set-prior-settings.py PRIOR.safetensors SETTINGS.json    # method -> family -> option -> value
    Scripts/set-prior-settings.py PRIOR.safetensors SETTINGS.json --merge   # replace only the families it names
    Scripts/set-prior-settings.py PRIOR.safetensors --show           # print what the file holds
    Scripts/set-prior-settings.py PRIOR.safetensors --clear          # remove them

Only the header changes; the tensor bytes are copied unchanged. The file is replaced atomically.
"""
import json, os, struct, sys, tempfile

# the task families of RecommendedSettings.TaskFamily (a test keeps the two equal), and "default"
FAMILIES = {"default", "inpainting", "super-resolution", "deblurring", "phase-retrieval", "other"}

def read_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    return header, 8 + n

def main(argv):
    merge = len(argv) == 4 and argv[3] == "--merge"
    if len(argv) != 3 and not merge:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    path, what = argv[1], argv[2]
    header, offset = read_header(path)
    meta = header.get("__metadata__", {})
    if what == "--show":
        print(json.dumps(json.loads(meta.get("red_settings", "{}")), indent=2, sort_keys=True))
        return 0
    if what == "--clear":
        meta.pop("red_settings", None)
    else:
        with open(what) as f:
            settings = json.load(f)
        for method, families in settings.items():
            for family, options in families.items():
                if family not in FAMILIES or not isinstance(options, dict):
                    print(f"{what}: {method}.{family}: expected one of {sorted(FAMILIES)} with an object of options", file=sys.stderr)
                    return 65
                families[family] = {k: str(v) for k, v in options.items()}
        if merge:
            merged = json.loads(meta.get("red_settings", "{}"))
            for method, families in settings.items():
                merged.setdefault(method, {}).update(families)
            settings = merged
        meta["red_settings"] = json.dumps(settings, sort_keys=True, separators=(",", ":"))
    header["__metadata__"] = meta
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".settings-")
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            out.write(struct.pack("<Q", len(text)))
            out.write(text)
            src.seek(offset)
            while True:
                chunk = src.read(1 << 20)
                if not chunk:
                    break
                out.write(chunk)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv))
