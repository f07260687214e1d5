# RED-diff from the classical estimate, on a time grid that starts below T
set seed=3
prior natural
load "Stdlib/images/astronaut-64.png"
inpaint_random
measure
solve reddiff init=classical tmax=100 steps=10 as r
solve reddiff tmax=5 steps=10
#! 8:1: steps=10 is out of range: expected at most tmax=5 steps
#= 70
