# runtime errors point at the option or argument that caused them
set seed=-1
#! 2:10: 'seed' -1 is out of range; expected ≥ 0
#= 70
