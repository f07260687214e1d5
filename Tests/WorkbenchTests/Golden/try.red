# try { … }: a failing statement is reported as a warning (standard error) and undone, the rest
# of the block is skipped, and the script goes on with status 0
let a = 1
try {
  let a = 2
  print "inside: $a"              #> inside: 2
  print $nope
  print "never"
}
print "after: $a"                 #> after: 2
for m in [one, two] { try { print "m=$m"; load "missing-$m.png"; print "loaded" } }
                                  #> m=one
                                  #> m=two
try { let b = 5 }
print "b is $b"                   #> b is 5
