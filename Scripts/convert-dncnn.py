#!/usr/bin/env python3
"""One-time conversion of scico 0.0.7's pretrained DnCNN denoisers into red's weight format.

Fetches the wheel with `pip download --no-deps scico==0.0.7` (PyPI), reads the flax msgpack
files `scico/data/flax/dncnn{6,17}{L,M,H,N}.mpk` with the small msgpack decoder below (nested
maps; arrays are msgpack extension type 1 holding the msgpack triple (shape, dtype, raw bytes)),
and writes `Stdlib/priors/dncnn/dncnn<depth><L|M|H|N>.safetensors`:

  conv_start            [3, 3, Cin, 64]   (kh, kw, in, out; cross-correlation, no bias)
  block<i>.kernel       [3, 3, 64, 64]    i = 0 ... depth-3
  block<i>.scale/bias/mean/var  [64]      batch norm (eps 1e-5, running statistics)
  conv_end              [3, 3, 64, Cout]

metadata: format=red-prior, kind=dncnn, depth, variant, sigma (training noise level in [0, 1]
units; "0-0.2" for N), source. Needs only the Python standard library.

Usage: python3 Scripts/convert-dncnn.py [OUT_DIR]
"""
import json, os, struct, subprocess, sys, tempfile, zipfile


def unpack(buf, i=0):
    """Decodes one msgpack object at buf[i:]; returns (object, next index)."""
    b = buf[i]
    if b <= 0x7f: return b, i + 1
    if 0x80 <= b <= 0x8f: return _map(buf, i + 1, b & 0x0f)
    if 0x90 <= b <= 0x9f: return _arr(buf, i + 1, b & 0x0f)
    if 0xa0 <= b <= 0xbf: n = b & 0x1f; return buf[i + 1:i + 1 + n].decode(), i + 1 + n
    if b >= 0xe0: return b - 0x100, i + 1
    if b == 0xc0: return None, i + 1
    if b == 0xc2: return False, i + 1
    if b == 0xc3: return True, i + 1
    fixed = {0xcc: 'B', 0xcd: '>H', 0xce: '>I', 0xcf: '>Q', 0xd0: 'b', 0xd1: '>h', 0xd2: '>i', 0xd3: '>q',
             0xca: '>f', 0xcb: '>d'}
    if b in fixed:
        fmt = fixed[b]; n = struct.calcsize(fmt)
        return struct.unpack(fmt, buf[i + 1:i + 1 + n])[0], i + 1 + n
    if b in (0xd9, 0xda, 0xdb, 0xc4, 0xc5, 0xc6):
        w = {0xd9: 1, 0xda: 2, 0xdb: 4, 0xc4: 1, 0xc5: 2, 0xc6: 4}[b]
        n = int.from_bytes(buf[i + 1:i + 1 + w], 'big'); s = i + 1 + w
        raw = bytes(buf[s:s + n])
        return (raw.decode() if b in (0xd9, 0xda, 0xdb) else raw), s + n
    if b in (0xdc, 0xdd):
        w = 2 if b == 0xdc else 4
        return _arr(buf, i + 1 + w, int.from_bytes(buf[i + 1:i + 1 + w], 'big'))
    if b in (0xde, 0xdf):
        w = 2 if b == 0xde else 4
        return _map(buf, i + 1 + w, int.from_bytes(buf[i + 1:i + 1 + w], 'big'))
    if b in (0xc7, 0xc8, 0xc9, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8):
        if b in (0xc7, 0xc8, 0xc9):
            w = {0xc7: 1, 0xc8: 2, 0xc9: 4}[b]
            n = int.from_bytes(buf[i + 1:i + 1 + w], 'big'); s = i + 1 + w
        else:
            n = {0xd4: 1, 0xd5: 2, 0xd6: 4, 0xd7: 8, 0xd8: 16}[b]; s = i + 1
        code = struct.unpack('b', buf[s:s + 1])[0]
        payload = bytes(buf[s + 1:s + 1 + n])
        return _ext(code, payload), s + 1 + n
    raise ValueError(f"unsupported msgpack byte 0x{b:02x} at {i}")


def _map(buf, i, n):
    out = {}
    for _ in range(n):
        k, i = unpack(buf, i); v, i = unpack(buf, i); out[k] = v
    return out, i


def _arr(buf, i, n):
    out = []
    for _ in range(n):
        v, i = unpack(buf, i); out.append(v)
    return out, i


def _ext(code, payload):
    if code != 1:
        raise ValueError(f"unsupported msgpack extension type {code}")
    (shape, dtype, raw), _ = unpack(payload, 0)
    if dtype != 'float32':
        raise ValueError(f"unsupported array dtype {dtype}")
    return (list(shape), raw)   # raw little-endian float32 bytes


def write_safetensors(path, tensors, metadata):
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        shape, raw = tensors[name]
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [off, off + len(raw)]}
        blobs.append(raw); off += len(raw)
    header["__metadata__"] = metadata
    js = json.dumps(header, sort_keys=True, separators=(',', ':')).encode()
    js += b' ' * ((8 - (len(js) + 8) % 8) % 8)
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(js))); f.write(js)
        for b in blobs: f.write(b)
    os.replace(tmp, path)


SIGMA = {'L': '0.06', 'M': '0.1', 'H': '0.2', 'N': '0-0.2'}


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'Stdlib', 'priors', 'dncnn')
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, '-m', 'pip', 'download', '--no-deps', '--quiet', 'scico==0.0.7', '-d', tmp], check=True)
        wheel = [f for f in os.listdir(tmp) if f.endswith('.whl')][0]
        with zipfile.ZipFile(os.path.join(tmp, wheel)) as z:
            for depth in (6, 17):
                for variant in 'LMHN':
                    name = f'dncnn{depth}{variant}'
                    tree, _ = unpack(z.read(f'scico/data/flax/{name}.mpk'))
                    p, s = tree['params'], tree['batch_stats']
                    t = {'conv_start': p['conv_start']['kernel'], 'conv_end': p['conv_end']['kernel']}
                    for i in range(depth - 2):
                        blk = f'ConvBNBlock_{i}'
                        t[f'block{i}.kernel'] = p[blk]['Conv_0']['kernel']
                        t[f'block{i}.scale'] = p[blk]['BatchNorm_0']['scale']
                        t[f'block{i}.bias'] = p[blk]['BatchNorm_0']['bias']
                        t[f'block{i}.mean'] = s[blk]['BatchNorm_0']['mean']
                        t[f'block{i}.var'] = s[blk]['BatchNorm_0']['var']
                    meta = {'format': 'red-prior', 'kind': 'dncnn', 'depth': str(depth), 'variant': variant,
                            'sigma': SIGMA[variant], 'source': f'scico 0.0.7 scico/data/flax/{name}.mpk (BSD-3-Clause)'}
                    write_safetensors(os.path.join(out_dir, name + '.safetensors'), t, meta)
                    print(f'wrote {name}.safetensors ({len(t)} tensors)')
            lic = [n for n in z.namelist() if n.endswith('licenses/LICENSE')]
            if lic:
                with open(os.path.join(out_dir, 'LICENSE-scico.txt'), 'wb') as f:
                    f.write(z.read(lic[0]))


if __name__ == '__main__':
    main()
