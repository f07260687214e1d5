# Settings of the quick-unet variant: the quick ablations (weighting.red, order.red: the only
# scripts that read prior_name) with the shipped diffusion U-Net (`prior unet`: RGB only, sides a
# multiple of 8; about 9x the patch prior's cost per step at 64x64). Scripts/paper/run quick-unet.
# quick-rgb.red is the same with the patch prior, for a like-for-like comparison.
set progress=off
let out = "out/paper/quick-unet"
let sfx = "-64"                       # Stdlib/images/NAME-64.png
let prior_name = unet                 # prior of the ablations
let images = [coffee, chelsea]        # RGB crops (camera is gray)
let steps = 50                        # RED-diff steps in the ablations
let nsol = 3                          # independent solutions (seeds) per setting, metrics averaged
let lr = 0.5                          # RED-diff defaults of the paper's recommended runs
let lambda = 0.25
