# observe: y from a file, x unknown; A's input shape is inferred from y; measure is refused
observe "Stdlib/images/coffee-64.png"
downsample 4
solve pinv
print "x is unknown; the result is 256x256"     #> x is unknown; the result is 256x256
observe "Stdlib/images/camera-64.png"
noise auto                                       #> noise auto: σ_y ≈ 0.0072 (estimated from y, [0, 1] units)
measure
#! 8:1: y is the observation read from 'Stdlib/images/camera-64.png'; 'measure' makes y from a known x (to simulate, 'load' the image instead of observing it)
#= 70
