solve reddiff stpes=10
solve dps zeta=1 lr=3
#! 1:15: unknown option 'stpes' for 'solve reddiff'; did you mean 'steps'?
#! 2:18: option 'lr' does not apply to 'solve dps'; it belongs to 'solve reddiff'
#= 65
