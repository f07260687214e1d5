# Check of experiment 1 at 200 steps: the three leading weightings (snr, sqrt, log) on 4x SR and
# Gaussian deblurring, where 50 steps may stop a slow weighting early. Not in the runner; after a
# settings file: .build/release/red Scripts/paper/quick-unet.red Scripts/paper/weighting200.red
let d = "$out/steps200"
prior $prior_name settings=official   # the official defaults, not the file's recommendations
def check tag="" {
  solve pinv as pinv
  for w in [snr, sqrt, log] { solve reddiff n=$nsol init=pinv steps=200 lr=$lr lambda=$lambda weight=$w as $w }
  metrics to "$d/metrics_${tag}.csv"
}
for im in $images {
  load "Stdlib/images/${im}${sfx}.png"
  sr4
  check tag="${im}_sr4"
  deblur_gauss
  check tag="${im}_deblur"
}
