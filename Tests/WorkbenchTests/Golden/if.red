# if A OP B { … } else { … }: numbers compare numerically, == and != also compare text
let n = 3
if $n > 2 { print "big" } else { print "small" }            #> big
if $n <= 2 { print "never" }
for m in [reddiff, pigdm] {
  if $m == pigdm { print "skip $m" } else { print "run $m" }
}                                                            #> run reddiff
                                                             #> skip pigdm
if "a b" != "a b" { print "never" } else {
  print "equal strings"                                      #> equal strings
}
if [1, 2] == [1, 2] { print "lists" }                        #> lists
if snr < 3 { print "never" }                                 #! 13:8: '<' compares numbers; got a word 'snr'
#= 70
