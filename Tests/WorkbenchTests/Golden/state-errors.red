# a failed statement changes nothing; the first error stops the script
let a = 1
print "a is $a"           #> a is 1
solve reddiff
#! 4:1: no prior yet: 'prior natural' (or 'prior gmm grid dim=8', or a prior file) first
#= 70
