# Experiment 1: the six time weightings of RED-diff's regulariser at equal steps,
# on inpainting (centred box), 4x super-resolution and Gaussian deblurring.
# Needs quick.red or full.red first (Scripts/paper/run does that).
let d = "$out/weighting"
prior $prior_name settings=official   # the official defaults, not the file's recommendations
def ablate tag="" {
  solve pinv as pinv
  for w in [snr, sqrt, square, log, trunc, const] {
    solve reddiff n=$nsol init=$init tmax=1000 steps=$steps lr=$lr lambda=$lambda weight=$w as $w
    save trace "$d/trace_${tag}_$w.csv"
  }
  metrics to "$d/metrics_${tag}.csv"
}
for im in $images {
  load "Stdlib/images/${im}${sfx}.png"
  let init = pinv
  inpaint_box
  ablate tag="${im}_inpaint"
  save grid "$d/grid_${im}_inpaint.png"
  let init = pinv
  sr4
  ablate tag="${im}_sr4"
  deblur_gauss
  ablate tag="${im}_deblur"
}
plot loss psnr to "$d/last_const.png"
