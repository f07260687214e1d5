# Experiment 3: the fidelity-smoothness trade-off: PSNR/SSIM against λ and against the learning rate.
let d = "$out/sweeps"
prior natural settings=official        # the official defaults, not the file's recommendations
def lambdas tag="" {
  for l in [0, 0.05, 0.1, 0.25, 0.5, 1, 2, 4] {
    solve reddiff n=$nsol init=$init steps=$steps lr=$lr lambda=$l as lambda_$l
    save trace "$d/trace_${tag}_lambda_$l.csv"
  }
  metrics to "$d/metrics_${tag}_lambda.csv"
}
def lrs tag="" {
  for r in [0.01, 0.05, 0.1, 0.25, 0.5, 1] {
    solve reddiff n=$nsol init=$init steps=$steps lr=$r lambda=$lambda as lr_$r
    save trace "$d/trace_${tag}_lr_$r.csv"
  }
  metrics to "$d/metrics_${tag}_lr.csv"
}
for im in $images {
  load "Stdlib/images/${im}${sfx}.png"
  let init = pinv
  sr4
  lambdas tag="${im}_sr4"
  load "Stdlib/images/${im}${sfx}.png"
  lrs tag="${im}_sr4"
  load "Stdlib/images/${im}${sfx}.png"
  deblur_gauss
  lambdas tag="${im}_deblur"
  load "Stdlib/images/${im}${sfx}.png"
  lrs tag="${im}_deblur"
}
