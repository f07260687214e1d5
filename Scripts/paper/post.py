#!/usr/bin/env python3
"""Tables (CSV + Markdown) and gnuplot figures from the outputs of the Scripts/paper/*.red scripts.

Usage: post.py OUT_DIR EXPERIMENT|summary   (run by Scripts/paper/run; Python 3 stdlib only)
"""
import csv, glob, json, math, os, re, shutil, struct, subprocess, sys
from array import array

TASKS = {"inpaint": "box inpainting", "random70": "random 70% inpainting", "sr4": "4x super-res.",
         "deblur": "Gaussian deblur", "color": "colorization", "hdr": "HDR"}
TITLES = {"weighting": "1. Weighting ablation", "order": "2. Timestep order", "sweeps": "3. λ and lr sweeps",
          "samplers": "4. Sampler comparison", "modes": "5. Mode seeking on exact posteriors",
          "cost": "6. Cost growth"}


def settings(out):
    """The `let NAME = NUMBER` settings of the variant (quick.red / full.red)."""
    mode = os.path.basename(os.path.normpath(out))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), mode + ".red")
    vals = {}
    for line in open(path):
        m = re.match(r"\s*let\s+(\w+)\s*=\s*([-0-9.e]+)\s*(#.*)?$", line)
        if m:
            vals[m.group(1)] = float(m.group(2))
    return vals


def read_metrics(path):
    with open(path) as f:
        return {r["name"]: r for r in csv.DictReader(f)}


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return float("nan")


def mean(xs):
    xs = [x for x in xs if not math.isnan(x)]
    return sum(xs) / len(xs) if xs else float("nan")


def sd(xs):
    xs = [x for x in xs if not math.isnan(x)]
    if len(xs) < 2:
        return 0.0
    m = sum(xs) / len(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))


def write_table(base, header, rows, title, note=""):
    """Writes base.csv and base.md; returns the Markdown text."""
    with open(base + ".csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    fmt = lambda v: (f"{v:.2f}" if abs(v) >= 0.1 or v == 0 else f"{v:.4f}") if isinstance(v, float) and not math.isnan(v) else ("–" if isinstance(v, float) else str(v))
    md = [f"**{title}**", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    md += ["| " + " | ".join(fmt(v) for v in r) + " |" for r in rows]
    if note:
        md += ["", note]
    text = "\n".join(md) + "\n"
    with open(base + ".md", "w") as f:
        f.write(text)
    return text


def gnuplot(script):
    if shutil.which("gnuplot") is None:
        return
    subprocess.run(["gnuplot"], input=script, text=True, check=False)


def term(path, w=900, h=330):
    return f"set terminal pngcairo size {w},{h} font ',9' noenhanced\nset output '{path}'\nset datafile separator ','\nset key inside top right font ',8'\n"


def tags(d, prefix="metrics_"):
    """(image, task) pairs present in d, from metrics_IMAGE_TASK.csv names."""
    out = []
    for p in sorted(glob.glob(os.path.join(d, prefix + "*.csv"))):
        im, task = os.path.basename(p)[len(prefix):-4].split("_", 1)
        out.append((im, task))
    return out


def per_setting(d, names, title, key):
    """Mean PSNR/SSIM over images per setting (rows) and task (columns)."""
    pairs = tags(d)
    tasks = [t for t in TASKS if any(p[1] == t for p in pairs)]
    images = sorted({p[0] for p in pairs})
    rows = []
    for n in ["pinv"] + names:
        row = [n]
        for t in tasks:
            ms = [read_metrics(os.path.join(d, f"metrics_{im}_{t}.csv")).get(n) for im in images]
            row += [mean([num(m["psnr"]) for m in ms if m]), mean([num(m["ssim"]) for m in ms if m])]
        rows.append(row)
    header = [key] + [f"{TASKS[t]} {q}" for t in tasks for q in ("PSNR", "SSIM")]
    best = []
    for j, t in enumerate(tasks):
        col = [(r[1 + 2 * j], r[0]) for r in rows[1:]]
        best.append(f"{TASKS[t]}: **{max(col)[1]}**")
    nsol = int(settings(os.path.dirname(d)).get("nsol", 1))
    note = f"Mean over {len(images)} image(s) ({', '.join(images)}) × {nsol} seed(s) each. Best PSNR per task: " + ", ".join(best) + "."
    return write_table(os.path.join(d, "table"), header, rows, title, note), images, tasks


def curves(d, im, tasks, names, col, ylabel, path, logy=False):
    """One panel per task: column `col` of trace_IM_TASK_NAME.csv against the step, one line per name."""
    s = term(path) + f"set multiplot layout 1,{len(tasks)}\nset xlabel 'step'\nset ylabel '{ylabel}'\nset key " + ("top" if logy else "bottom") + " right font ',7'\n"
    if logy:
        s += "set logscale y\n"
    for t in tasks:
        plots = [f"'{d}/trace_{im}_{t}_{n}.csv' using 1:'{col}' with lines lw 1.5 title '{n}'" for n in names
                 if os.path.exists(f"{d}/trace_{im}_{t}_{n}.csv")]
        s += f"set title '{TASKS[t]} ({im})'\nplot " + ", ".join(plots) + "\n"
    gnuplot(s + "unset multiplot\n")


def ablation(out, exp, names, title, key):
    d = os.path.join(out, exp)
    text, images, tasks = per_setting(d, names, title, key)
    curves(d, images[0], tasks, names, "psnr", "PSNR (dB)", f"{d}/{exp}_psnr.png")
    curves(d, images[0], tasks, names, "data_loss", "data loss", f"{d}/{exp}_loss.png", logy=True)
    return text


def sweeps(out):
    d = os.path.join(out, "sweeps")
    text = ""
    for p, label in (("lambda", "λ"), ("lr", "lr")):
        files = sorted(glob.glob(f"{d}/metrics_*_{p}.csv"))
        pairs = [os.path.basename(f)[8:-len(p) - 5].split("_", 1) for f in files]
        tasks = [t for t in TASKS if any(q[1] == t for q in pairs)]
        images = sorted({q[0] for q in pairs})
        values = None
        rows = []
        data = {}
        for t in tasks:
            ms = [read_metrics(f"{d}/metrics_{im}_{t}_{p}.csv") for im in images]
            values = [n[len(p) + 1:] for n in ms[0] if n.startswith(p + "_")]
            data[t] = [(mean([num(m[f"{p}_{v}"]["psnr"]) for m in ms]), mean([num(m[f"{p}_{v}"]["ssim"]) for m in ms])) for v in values]
        for i, v in enumerate(values or []):
            rows.append([v] + [x for t in tasks for x in data[t][i]])
        header = [label] + [f"{TASKS[t]} {q}" for t in tasks for q in ("PSNR", "SSIM")]
        best = ", ".join(f"{TASKS[t]}: PSNR best at {label} = **{max((r[1 + 2 * j], r[0]) for r in rows)[1]}**" for j, t in enumerate(tasks))
        text += write_table(f"{d}/table_{p}", header, rows, f"RED-diff PSNR/SSIM against {label}",
                            f"Mean over {len(images)} image(s) ({', '.join(images)}) × {int(settings(out).get('nsol', 1))} seed(s) each{'; λ = 0 is the data term alone' if p == 'lambda' else ''}. {best}.") + "\n"
        # PSNR and SSIM against the setting (categorical axis: the values include 0)
        s = term(f"{d}/sweep_{p}.png") + "set multiplot layout 1,2\nset xlabel '" + label + "'\nset key top right\n"
        s += "set xtics (" + ", ".join(f"'{v}' {i}" for i, v in enumerate(values or [])) + ")\n"
        for q, j in (("PSNR (dB)", 1), ("SSIM", 2)):
            s += f"set ylabel '{q}'\nplot " + ", ".join(f"'{d}/table_{p}.csv' using 0:{1 + 2 * k + j} every ::1 with linespoints lw 2 title '{TASKS[t]}'" for k, t in enumerate(tasks)) + "\n"
        gnuplot(s + "unset multiplot\n")
        # trajectories of the first image
        s = term(f"{d}/trajectories_{p}.png") + f"set multiplot layout 1,{len(tasks)}\nset xlabel 'step'\nset ylabel 'PSNR (dB)'\nset key bottom right font ',7'\n"
        for t in tasks:
            s += f"set title '{TASKS[t]} ({images[0]})'\nplot " + ", ".join(
                f"'{d}/trace_{images[0]}_{t}_{p}_{v}.csv' using 1:'psnr' with lines title '{label}={v}'" for v in values) + "\n"
        gnuplot(s + "unset multiplot\n")
    return text


def samplers(out):
    d = os.path.join(out, "samplers")
    cfg = settings(out)
    steps = {"pinv": 1, "reddiff": cfg.get("red_steps"), "dps": cfg.get("dps_steps"),
             "pigdm": cfg.get("pigdm_steps"), "ddrm": cfg.get("ddrm_steps")}
    pairs = tags(d)
    images = sorted({p[0] for p in pairs})
    tasks = [t for t in TASKS if any(p[1] == t for p in pairs)]
    methods = ["pinv", "reddiff", "dps", "pigdm", "ddrm"]
    rows = []
    for m in methods:
        row = [f"{m} ({int(steps[m])} steps)" if m != "pinv" else "pinv"]
        secs = []
        for t in tasks:
            ms = [read_metrics(f"{d}/metrics_{im}_{t}.csv").get(m) for im in images]
            row.append(mean([num(x["psnr"]) for x in ms if x]))
            secs += [num(x["seconds"]) / steps[m] for x in ms if x]
        row.append(mean(secs) * 1000)
        rows.append(row)
    header = ["method"] + [f"{TASKS[t]} PSNR" for t in tasks] + ["ms/step"]
    best = ", ".join(f"{TASKS[t]}: **{max((r[1 + j], r[0].split()[0]) for r in rows if not math.isnan(r[1 + j]))[1]}**" for j, t in enumerate(tasks))
    text = write_table(f"{d}/table", header, rows, "PSNR (dB) per sampler and task; time per step",
                       f"Mean over {len(images)} image(s) ({', '.join(images)}); natural patch prior. Best: {best}. "
                       "DDRM needs an SVD, so it has no nonlinear (HDR) entry.")
    rows = []
    for m in methods:
        row = [m]
        for t in tasks:
            ms = [read_metrics(f"{d}/metrics_{im}_{t}.csv").get(m) for im in images]
            row.append(mean([num(x["ssim"]) for x in ms if x]))
        rows.append(row)
    text += "\n" + write_table(f"{d}/table_ssim", ["method"] + [f"{TASKS[t]} SSIM" for t in tasks], rows, "SSIM per sampler and task")
    return text


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    info = header["x"]
    assert info["dtype"] == "F32", info["dtype"]
    a, b = info["data_offsets"]
    vals = array("f")
    vals.frombytes(data[a:b])
    shape = info["shape"]
    dim = shape[-1]
    return [list(vals[i:i + dim]) for i in range(0, len(vals), dim)]


def mode_of(v):
    """The grid component (i, j) nearest a sample: coordinates (8i, 8j, 8i, 8j, …)."""
    ev, od = v[0::2], v[1::2]
    return (round(sum(ev) / len(ev) / 8), round(sum(od) / len(od) / 8))


def modes(out):
    d = os.path.join(out, "modes")
    seeds = sorted({int(re.match(r"compare_(\d+)_", os.path.basename(p)).group(1)) for p in glob.glob(f"{d}/compare_*.csv")})
    methods = ["floor", "ceiling", "reddiff", "reddiff_lr05", "dps", "pigdm", "ddrm"]
    labels = {"floor": "exact posterior again (floor)", "ceiling": "prior draws (ceiling)", "reddiff": "reddiff (lr 0.1)", "reddiff_lr05": "reddiff (lr 0.5)"}
    rows = []
    for m in methods:
        sw, spread, nmodes, exact_modes = [], [], [], []
        for s in seeds:
            p = f"{d}/compare_{s}_{m}.csv"
            if not os.path.exists(p):
                continue
            with open(p) as f:
                sw.append(num(next(csv.DictReader(f))["sliced_wasserstein"]))
            xs = read_safetensors(f"{d}/samples_{s}_{m}.safetensors")
            dim = len(xs[0])
            mu = [sum(x[k] for x in xs) / len(xs) for k in range(dim)]
            spread.append(math.sqrt(sum((x[k] - mu[k]) ** 2 for x in xs for k in range(dim)) / (len(xs) * dim)))
            counts = {}
            for x in xs:
                counts[mode_of(x)] = counts.get(mode_of(x), 0) + 1
            nmodes.append(sum(1 for c in counts.values() if c >= 0.02 * len(xs)))
        rows.append([labels.get(m, m), mean(sw), sd(sw), mean(spread), mean(nmodes)])
    ex_spread, ex_modes = [], []
    for s in seeds:
        xs = read_safetensors(f"{d}/samples_{s}_exact.safetensors")
        dim = len(xs[0])
        mu = [sum(x[k] for x in xs) / len(xs) for k in range(dim)]
        ex_spread.append(math.sqrt(sum((x[k] - mu[k]) ** 2 for x in xs for k in range(dim)) / (len(xs) * dim)))
        counts = {}
        for x in xs:
            counts[mode_of(x)] = counts.get(mode_of(x), 0) + 1
        ex_modes.append(sum(1 for c in counts.values() if c >= 0.02 * len(xs)))
    rows.append(["exact posterior (2000 draws)", float("nan"), float("nan"), mean(ex_spread), mean(ex_modes)])
    text = write_table(f"{d}/table", ["samples", "sliced W. to exact", "sd over problems", "spread (rms sd per coord.)", "modes holding ≥ 2 %"], rows,
                       f"Grid GMM prior on R^8, y = A x + 0.5 n with a random 2 x 8 A; {len(seeds)} problem(s)",
                       "Lower sliced Wasserstein is better; the floor is the sampling noise of the distance itself. "
                       "A mode is the nearest of the 25 grid components.")
    # 2-D projection (coordinates 1 and 2) of the first problem
    s0 = seeds[0]
    for m in ["exact"] + methods[2:]:
        xs = read_safetensors(f"{d}/samples_{s0}_{m}.safetensors")
        with open(f"{d}/proj_{s0}_{m}.csv", "w") as f:
            f.writelines(f"{x[0]},{x[1]}\n" for x in xs)
    xt = read_safetensors(f"{d}/x_{s0}.safetensors")[0]
    g = term(f"{d}/modes_projection.png", 1250, 340) + "set multiplot layout 1,5\nset key inside bottom left font ',7'\nset xlabel 'x_1'\nset ylabel 'x_2'\nset xrange [-24:24]\nset yrange [-24:24]\nset xtics 8\nset ytics 8\nset size square\n"
    for m in methods[2:]:
        g += (f"set title '{m} vs exact posterior'\nplot '{d}/proj_{s0}_exact.csv' using 1:2 with points pt 7 ps 0.2 lc rgb '#b0b0b0' title 'exact', "
              f"'{d}/proj_{s0}_{m}.csv' using 1:2 with points pt 7 ps 0.35 lc rgb '#d62728' title '{m}', "
              f"'-' using 1:2 with points pt 3 ps 1.5 lc rgb 'black' title 'true x'\n{xt[0]},{xt[1]}\ne\n")
    gnuplot(g + "unset multiplot\n")
    return text


def cost(out):
    d = os.path.join(out, "cost")
    cfg = settings(out)
    methods = ["reddiff", "dps", "pigdm", "ddrm"]
    sizes = sorted({int(os.path.basename(p).split("_")[1]) for p in glob.glob(f"{d}/size_*_r*.csv")})

    def fastest(prefix, k):
        """The fastest of the repetitions of one timing."""
        return min(num(read_metrics(p)[k]["seconds"]) for p in glob.glob(f"{d}/{prefix}_r*.csv"))

    pts = cfg.get("cost_points", 1)
    rows = []
    for s in sizes:
        rows.append([f"{s}x{s}"] + [fastest(f"size_{s}", k) / pts * 1000 for k in methods])
    text = write_table(f"{d}/table_size", ["image"] + [f"{k} ms/step" for k in methods], rows,
                       f"Time per step against image size (RGB, 4x super-resolution, {int(pts)} steps, natural prior; faster of 2 runs)")
    with open(f"{d}/size.dat", "w") as f:
        f.writelines(f"{s * s}," + ",".join(str(v) for v in r[1:]) + "\n" for s, r in zip(sizes, rows))
    steps = sorted({int(os.path.basename(p).split("_")[1]) for p in glob.glob(f"{d}/steps_*_r*.csv")})
    rows2 = []
    for n in steps:
        rows2.append([n] + [fastest(f"steps_{n}", k) for k in methods])
    side = int(cfg.get("cost_size", 0))
    text += "\n" + write_table(f"{d}/table_steps", ["steps"] + [f"{k} s" for k in methods], rows2,
                               f"Total time against the number of steps ({side}x{side}; faster of 2 runs)")
    if os.path.exists(f"{d}/memory.tsv"):
        mem = dict(line.split() for line in open(f"{d}/memory.tsv") if line.strip())
        base = float(mem.get("pinv", "nan"))
        rows3 = [[k, float(mem[k]) / 1024, (float(mem[k]) - base) / 1024] for k in methods if k in mem]
        text += "\n" + write_table(f"{d}/table_memory", ["method", "peak RSS (MiB)", "above the session alone (MiB)"], rows3,
                                   f"Peak resident memory of one solve ({int(cfg.get('mem_size', side))}x{int(cfg.get('mem_size', side))} RGB 4x SR, {int(pts)} steps; /usr/bin/time, one process each; the session alone = pinv)")
    g = term(f"{d}/cost.png") + "set multiplot layout 1,2\nset logscale xy\nset xlabel 'pixels'\nset ylabel 'ms per step'\nset key top left\n"
    g += "set title 'time per step vs image size'\nplot " + ", ".join(f"'{d}/size.dat' using 1:{i + 2} with linespoints lw 2 title '{k}'" for i, k in enumerate(methods)) + "\n"
    g += f"set title 'total time vs steps ({side}x{side})'\nset xlabel 'steps'\nset ylabel 'seconds'\nplot " + ", ".join(
        f"'{d}/table_steps.csv' using 1:{i + 2} every ::1 with linespoints lw 2 title '{k}'" for i, k in enumerate(methods)) + "\n"
    gnuplot(g + "unset multiplot\n")
    return text


def summary(out):
    mode = os.path.basename(os.path.normpath(out))
    parts = [f"# Paper findings: {mode} run\n", f"Produced by `Scripts/paper/run {mode}`; settings in `Scripts/paper/{mode}.red`.\n"]
    for e, t in TITLES.items():
        p = os.path.join(out, e, "tables.md")
        if not os.path.exists(p):
            continue
        secs = open(os.path.join(out, e, "seconds.txt")).read().strip() if os.path.exists(os.path.join(out, e, "seconds.txt")) else "?"
        figs = sorted(os.path.basename(f) for f in glob.glob(os.path.join(out, e, "*.png")) if "grid" not in f and "last_" not in f)
        parts.append(f"## {t}\n\n`Scripts/paper/run {mode} {e}` — {secs} s\n\n" + open(p).read() + "\n" +
                     "".join(f"![{f}]({e}/{f})\n" for f in figs))
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write("\n".join(parts))


def main():
    out, exp = sys.argv[1], sys.argv[2]
    if exp == "summary":
        return summary(out)
    text = {"weighting": lambda: ablation(out, "weighting", ["snr", "sqrt", "square", "log", "trunc", "const"], "RED-diff PSNR/SSIM per weighting", "weighting"),
            "order": lambda: ablation(out, "order", ["desc", "asc", "random"], "RED-diff PSNR/SSIM per timestep order", "order"),
            "sweeps": lambda: sweeps(out), "samplers": lambda: samplers(out),
            "modes": lambda: modes(out), "cost": lambda: cost(out)}[exp]()
    with open(os.path.join(out, exp, "tables.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
