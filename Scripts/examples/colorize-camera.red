# Colorize a real black-and-white photograph (the cameraman, 256x256 gray): y is the gray photo,
# A takes the channel mean, and RED-diff with the RGB U-Net prior proposes colours that average
# back to exactly that gray.
#   red Scripts/examples/colorize-camera.red   (from the repository root)
observe "Stdlib/images/camera.png" gray
colorize
prior unet
solve reddiff steps=100 lr=0.1 as colorized
save result "Scripts/examples/colorize-camera-result.png"
save grid "Scripts/examples/colorize-camera-grid.png"
metrics
