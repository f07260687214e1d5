# red demo: 4x super-resolution of a photo with RED-diff on the shipped natural-image prior.
# Run from the repository root:  .build/release/red Scripts/demo.red
# Writes demo-grid.png (x, y, results side by side) and demo-loss.png (RED-diff loss curves).

load "Stdlib/images/coffee.png" size=128     # the ground truth x, 128x128
sr4                                          # A := 4x4 block average, noise 0.05 (Stdlib/tasks.red)
measure                                      # y := A(x) + noise
prior natural

solve pinv as pinv                           # the baseline A⁺y
solve reddiff steps=300 lr=0.5 lambda=0.25 as reddiff
metrics
save grid "demo-grid.png"
plot loss psnr to "demo-loss.png"
print "wrote demo-grid.png and demo-loss.png"
