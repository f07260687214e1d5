# Settings of the full variant: the 256x256 demo images, the paper's step counts where feasible
# on a CPU (hours on 2 shared cores; see Scripts/paper/README.md).
set progress=off
let out = "out/paper/full"
let sfx = ""
let prior_name = natural              # prior of the ablations (weighting, order); quick-unet.red: unet
let images = [astronaut, camera, chelsea, coffee]
let steps = 200
let nsol = 4
let lr = 0.5
let lambda = 0.25
let red_steps = 1000
let dps_steps = 1000
let pigdm_steps = 100
let ddrm_steps = 20
let hdr_crop = 192                    # HDR runs on a centred crop (a shape of its own)
let sampler_images = [astronaut, coffee]
let gmm_seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
let gmm_n = 1000
let gmm_steps = 1000
let cost_sizes = [64, 128, 256, 512]
let cost_size = 128
let cost_steps = [10, 25, 50, 100, 200]
let cost_points = 20
let mem_size = 256                    # image side of the peak-memory runs
