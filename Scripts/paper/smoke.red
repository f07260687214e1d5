# Settings of the smoke variant: every experiment end to end in seconds (2-4 steps, 32x32 and
# 64x64), to check that the scripts, the runner and the post-processing work. Numbers are meaningless.
set progress=off
let out = "out/paper/smoke"
let sfx = "-64"
let prior_name = natural              # prior of the ablations (weighting, order); quick-unet.red: unet
let images = [camera]
let steps = 3
let nsol = 2
let lr = 0.5
let lambda = 0.25
let red_steps = 3
let dps_steps = 3
let pigdm_steps = 10
let ddrm_steps = 3
let hdr_crop = 48                    # HDR runs on a centred crop (a shape of its own)
let sampler_images = [camera]
let gmm_seeds = [1]
let gmm_n = 20
let gmm_steps = 20
let cost_sizes = [32, 64]
let cost_size = 32
let cost_steps = [2, 4]
let cost_points = 2
let mem_size = 32                    # image side of the peak-memory runs
