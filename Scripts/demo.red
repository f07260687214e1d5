# red demo: inpaint a photo with 70% of its pixels missing, with RED-diff on the shipped
# natural-image prior (the patch GMM, Stdlib/priors/natural.safetensors), against the pseudo-inverse baseline.
# Run from the repository root:  .build/release/red Scripts/demo.red
# Writes demo-grid.png (x, y, results side by side, labelled) and demo-loss.png (RED-diff curves).

load "Stdlib/images/coffee.png" size=128     # the ground truth x, 128x128
inpaint_random p=0.7 sigma=0.01              # A := hide 70% of the pixels; noise 0.01 (Stdlib/tasks.red)
measure                                      # y := A(x) + noise, seeded (red --seed N)
prior natural                                # the shipped patch GMM prior

solve pinv as pinv                           # the baseline A⁺y: the observed pixels, holes black
solve reddiff steps=300 lr=0.5 lambda=0.25 as reddiff
metrics
save grid "demo-grid.png"
plot loss psnr to "demo-loss.png"
print "wrote demo-grid.png and demo-loss.png"
