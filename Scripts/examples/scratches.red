# Remove scratches from a photo: the scratched photo is y, a mask PNG marks the scratches
# (black = hidden), and RED-diff with the shipped U-Net fills them in. x is never given; the
# clean photo is loaded afterwards only to score the result.
#   red Scripts/examples/scratches.red        (from the repository root)
observe "Scripts/examples/scratched-cat.png"
mask "Scripts/examples/scratches-mask.png"
prior unet
solve reddiff as restored                 # the prior's inpainting settings (see `show`)
save result "Scripts/examples/scratches-result.png"
save grid "Scripts/examples/scratches-grid.png"
load "Stdlib/images/chelsea.png"
metrics
