def f a=1 { print $a }
f a=2               #> 2
f b=2
#! 3:3: unknown option 'b' for 'f'; did you mean 'a'?
#= 70
