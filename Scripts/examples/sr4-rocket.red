# 4x super-resolution of a small photo that was never larger: an 80x64 crop of a photo at its
# native resolution (no downsampling anywhere), restored to 320x256. There is no ground truth.
#   red Scripts/examples/sr4-rocket.red        (from the repository root)
observe "Scripts/examples/rocket-small.png"
downsample 4
noise 0.01
prior unet
solve pinv as replicated
solve reddiff as restored                 # the prior's super-resolution settings
save result "Scripts/examples/sr4-rocket-result.png"
save grid "Scripts/examples/sr4-rocket-grid.png"
metrics
