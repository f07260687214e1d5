# red demo: inpaint a photo with 70% of its pixels missing, with RED-diff on the two shipped
# image priors (the fast patch GMM `natural` and the small U-Net `unet`), against the pseudo-inverse baseline.
# Run from the repository root:  .build/release/red Scripts/demo.red
# Writes demo-grid.png (x, y, results side by side, labelled) and demo-loss.png (PSNR per step of both RED-diff runs).

load "Stdlib/images/coffee.png" size=128     # the ground truth x, 128x128
inpaint_random p=0.7 sigma=0.01              # A := hide 70% of the pixels; noise 0.01 (Stdlib/tasks.red)
measure                                      # y := A(x) + noise, seeded (red --seed N)
prior natural                                # the shipped patch GMM prior

solve pinv as pinv                           # the baseline A⁺y: the observed pixels, holes black
solve reddiff as patch                       # the settings the prior file recommends for inpainting (see `show`)
prior unet                                   # the shipped diffusion U-Net (Stdlib/priors/unet.safetensors)
solve reddiff as unet                        # its own recommended inpainting settings
metrics
save grid "demo-grid.png"
plot psnr of=[patch, unet] to "demo-loss.png"
print "wrote demo-grid.png and demo-loss.png"
