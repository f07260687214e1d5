# Deblur a real motion-blurred photograph (Stdlib/images/clock_motion.png, 400x300 gray): the
# straight motion kernel is estimated from the photo alone, the noise level too, then RED-diff
# restores with the shipped patch prior (any image size). There is no ground truth.
#   red Scripts/examples/deblur-clock.red     (from the repository root)
observe "Stdlib/images/clock_motion.png"
fit blur motion
noise auto
prior natural
solve reddiff steps=100 lr=0.1 as deblurred
save result "Scripts/examples/deblur-clock-result.png"
save grid "Scripts/examples/deblur-clock-grid.png"
metrics
