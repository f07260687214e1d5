prior gmm grid dim=4
sample prior
solve reddiff steps=2 weight=sqr
#! 3:30: invalid value 'sqr' for 'weight'; expected 'snr', 'sqrt', 'square', 'log', 'trunc' or 'const'; did you mean 'sqrt'?
#= 70
