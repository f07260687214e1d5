# Settings of the quick variant (a few minutes per experiment on 2 shared cores):
# 64x64 demo crops, few steps. Loaded before each experiment script by Scripts/paper/run.
set progress=off
let out = "out/paper/quick"
let sfx = "-64"                       # Stdlib/images/NAME-64.png
let prior_name = natural              # prior of the ablations (weighting, order); quick-unet.red: unet
let images = [coffee, camera]
let steps = 50                        # RED-diff steps in the ablations
let nsol = 3                          # ablations: independent solutions (seeds) per setting, metrics averaged
let lr = 0.5                          # RED-diff defaults of the paper's recommended runs
let lambda = 0.25
let red_steps = 100                   # sampler comparison: steps per method
let dps_steps = 100
let pigdm_steps = 50
let ddrm_steps = 20
let hdr_crop = 48                    # HDR runs on a centred crop (a shape of its own)
let sampler_images = [coffee]
let gmm_seeds = [1, 2, 3]             # exact-posterior problems (one measurement each)
let gmm_n = 200
let gmm_steps = 1000
let cost_sizes = [32, 64, 128, 256]
let cost_size = 64                    # image side of the steps sweep
let cost_steps = [10, 20, 40, 80]
let cost_points = 10                  # steps per timing at each size
let mem_size = 256                    # image side of the peak-memory runs
