# Settings of the quick-rgb variant: quick-unet.red with the patch prior (`prior natural`), the
# same RGB crops and settings, so that the U-Net ablations have a like-for-like patch-prior run
# (quick.red uses camera, which the U-Net cannot take). Scripts/paper/run quick-rgb.
set progress=off
let out = "out/paper/quick-rgb"
let sfx = "-64"                       # Stdlib/images/NAME-64.png
let prior_name = natural              # prior of the ablations
let images = [coffee, chelsea]        # RGB crops (camera is gray)
let steps = 50                        # RED-diff steps in the ablations
let nsol = 3                          # independent solutions (seeds) per setting, metrics averaged
let lr = 0.5                          # RED-diff defaults of the paper's recommended runs
let lambda = 0.25
