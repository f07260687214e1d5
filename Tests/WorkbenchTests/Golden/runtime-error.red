# the first runtime error stops the script with status 70
print before        #> before
print $nope
print after
#! 3:7: undefined variable 'nope'
#= 70
