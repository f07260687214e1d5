# Experiment 2: the order in which RED-diff visits the timesteps: desc (the paper's), asc, random.
let d = "$out/order"
prior $prior_name settings=official   # the official defaults, not the file's recommendations
def orders tag="" {
  solve pinv as pinv
  for o in [desc, asc, random] {
    solve reddiff n=$nsol init=$init tmax=1000 steps=$steps lr=$lr lambda=$lambda order=$o as $o
    save trace "$d/trace_${tag}_$o.csv"
  }
  metrics to "$d/metrics_${tag}.csv"
}
for im in $images {
  load "Stdlib/images/${im}${sfx}.png"
  let init = pinv
  inpaint_box
  orders tag="${im}_inpaint"
  let init = pinv
  sr4
  orders tag="${im}_sr4"
  deblur_gauss
  orders tag="${im}_deblur"
}
