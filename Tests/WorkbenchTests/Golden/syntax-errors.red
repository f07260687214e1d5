# every syntax error is reported, nothing runs
print "never"
let = 3
solve reddif steps=10
for w in [a, b] { show
print "unterminated
#! 3:5: expected a variable name after 'let', found '='
#! 4:7: unknown solve kind 'reddif'; expected 'reddiff', 'dps', 'pigdm', 'ddrm', 'pinv' or 'ddim'; did you mean 'reddiff'?
#! 5:17: unclosed '{' of 'for': the input ended before it was closed
#! 6:7: unterminated string; expected '"' before the end of the line
#= 65
