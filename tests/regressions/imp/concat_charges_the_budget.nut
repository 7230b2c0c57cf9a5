// A loop that grows a long string by concatenation once ran far past the instruction
// budget (the copying is native work the bytecode count did not see).
local s = "";
for (local i = 0; i < 3159557039592268140; i++) { s += "." }
