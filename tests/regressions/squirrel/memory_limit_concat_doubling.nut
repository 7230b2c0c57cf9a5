// `s += s` under a 1 MB limit once grew to 7.7 GB: the limit was looked at only every
// 10,000 instructions, and a doubling string needs 30 of them.
local s = "x";
try { while (true) s += s; } catch (e) print(e + ", the string stayed under the limit: " + (s.len() < 1000000) + "\n");
