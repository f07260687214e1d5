# Experiment 5: mode seeking, measured on exact-posterior problems: the 25-component grid GMM
# prior on R^8, y = A x + noise with a random 2 x 8 matrix. Each seed gives a new x, A and y.
# References: floor = a second set of exact posterior draws, ceiling = draws from the prior.
let d = "$out/modes"
prior gmm grid dim=8
for s in $gmm_seeds {
  set seed=$s
  sample prior
  sense rows=2
  noise 0.5
  measure
  sample posterior n=2000 as exact
  sample posterior n=$gmm_n as floor
  sample prior n=$gmm_n as ceiling
  solve reddiff n=$gmm_n steps=$gmm_steps lr=0.1 as reddiff
  solve reddiff n=$gmm_n steps=$gmm_steps lr=0.5 as reddiff_lr05
  solve dps n=$gmm_n steps=$gmm_steps as dps
  solve pigdm n=$gmm_n steps=$gmm_steps as pigdm
  solve ddrm n=$gmm_n steps=20 as ddrm
  for m in [floor, ceiling, reddiff, reddiff_lr05, dps, pigdm, ddrm] {
    compare $m exact to "$d/compare_${s}_$m.csv"
    save $m "$d/samples_${s}_$m.safetensors"
  }
  save exact "$d/samples_${s}_exact.safetensors"
  save x "$d/x_${s}.safetensors"
  clear
}
