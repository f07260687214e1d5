# Experiment 4: RED-diff, DPS, ΠGDM, DDRM and the pseudo-inverse on the paper's tasks, one prior
# (the shipped natural-image prior), at the step counts of quick.red / full.red.
# DDRM needs an SVD, so it runs on the linear tasks only; pinv is approximate on nonlinear tasks.
let d = "$out/samplers"
prior natural settings=official        # the official defaults, not the file's recommendations
def linear_all tag="" {
  solve pinv as pinv
  solve reddiff init=$init steps=$red_steps lr=$lr lambda=$lambda as reddiff
  solve dps steps=$dps_steps as dps
  solve pigdm steps=$pigdm_steps as pigdm
  solve ddrm steps=$ddrm_steps as ddrm
  metrics to "$d/metrics_${tag}.csv"
  save grid "$d/grid_${tag}.png"
}
def nonlinear_all tag="" {
  solve pinv as pinv
  solve reddiff init=$init steps=$red_steps lr=$lr lambda=$lambda as reddiff
  solve dps steps=$dps_steps as dps
  solve pigdm steps=$pigdm_steps as pigdm
  metrics to "$d/metrics_${tag}.csv"
  save grid "$d/grid_${tag}.png"
}
# Results are never dropped and `metrics`/`save grid` list every result of x's shape, so a task
# that skips a method runs at a shape of its own: HDR (no DDRM) on a smaller crop.
for im in $sampler_images {
  load "Stdlib/images/${im}${sfx}.png"
  let init = pinv
  deblur_gauss
  linear_all tag="${im}_deblur"
  inpaint_box
  linear_all tag="${im}_inpaint"
  inpaint_random
  linear_all tag="${im}_random70"
  sr4
  linear_all tag="${im}_sr4"
  colorization
  linear_all tag="${im}_color"
  crop $hdr_crop
  hdr_task
  nonlinear_all tag="${im}_hdr"
}
