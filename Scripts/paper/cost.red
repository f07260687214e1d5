# Experiment 6: cost of a step of each sampler against image size (fixed steps) and against the
# number of steps (fixed size), 4x super-resolution, one warm-up solve first. Each timing is
# repeated (rep 1, 2); post.py keeps the faster one (the machine is shared, timings are noisy).
let d = "$out/cost"
prior natural settings=official        # the official defaults, not the file's recommendations
load "Stdlib/images/coffee${sfx}.png"
sr4
solve reddiff steps=2 as warmup
for rep in [1, 2] {
  for s in $cost_sizes {
    load "Stdlib/images/coffee.png" size=$s
    sr4
    solve reddiff steps=$cost_points as reddiff
    solve dps steps=$cost_points as dps
    solve pigdm steps=$cost_points as pigdm
    solve ddrm steps=$cost_points as ddrm
    metrics to "$d/size_${s}_r$rep.csv"
  }
  for n in $cost_steps {
    load "Stdlib/images/coffee.png" size=$cost_size
    sr4
    solve reddiff steps=$n as reddiff
    solve dps steps=$n as dps
    solve pigdm steps=$n as pigdm
    solve ddrm steps=$n as ddrm
    metrics to "$d/steps_${n}_r$rep.csv"
  }
}
