# Peak memory of one sampler (run by Scripts/paper/run in a process of its own under
# /usr/bin/time, after a line `let method = NAME`; method pinv measures the session alone).
prior natural settings=official        # the official defaults, not the file's recommendations
load "Stdlib/images/coffee.png" size=$mem_size
sr4
measure
if $method == pinv { solve pinv } else { solve $method steps=$cost_points }   # pinv is one step
