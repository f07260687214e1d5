# the chain must be able to produce y: colorize needs a gray observation
observe "Stdlib/images/coffee-64.png"
mask random 0.5
colorize
#! 4:1: 'colorize' needs a gray observation; observe the file with 'gray'
#= 70
