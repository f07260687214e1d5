# variables, lists, interpolation, for, def with options
let lr = 0.5
print "lr is $lr"                 #> lr is 0.5
let ws = [snr, sqrt, const]
for w in $ws { print r_$w }       #> r_snr
                                  #> r_sqrt
                                  #> r_const
def greet who=world n=1 { print "hello $who x$n" }
greet                             #> hello world x1
greet n=3 who="red"               #> hello red x3
print $ws 1e-3 "a\"b"             #> [snr, sqrt, const] 0.001 a"b
set seed=3; print ok              #> ok
