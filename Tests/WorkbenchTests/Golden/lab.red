# the exact-posterior lab end to end, deterministic output
set seed=7
prior gmm grid dim=2
sample prior
sense rows=1
noise 0.5
measure
sample posterior n=500 as exact
sample posterior n=500 as exact2
show
#> x       tensor 2  (sample prior)
#> A       sense rows=1
#> noise   0.5
#> y       tensor 1
#> prior   gmm grid dim=2
#> solve   reddiff for other: n=1 keep=all steps=1000 lr=0.1 lrscale=absolute lambda=0.25 weight=snr order=desc init=pinv obsweight=1 optimizer=adam lrschedule=constant (official defaults; the prior recommends none)
#>   exact: 500 × tensor 2  (sample posterior n=500)
#>   exact2: 500 × tensor 2  (sample posterior n=500)
#> seed    7  (5 draws)
#> defs    colorization cs25 deblur_gauss deblur_motion deblur_uniform hdr_task inpaint_box inpaint_freeform inpaint_random phase_retrieval sr4 sr8
