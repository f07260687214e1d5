shwo
#! 1:1: unknown command 'shwo'; did you mean 'show'?
#= 65
