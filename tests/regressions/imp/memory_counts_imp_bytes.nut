// A limit counted impish's 64-bit bytes (16 per value), about twice what an imp holds:
// under 184 KB (an imp004m's free memory) an array of 12000 slots ran out of memory,
// though it takes 96 KB on the imp. The limit counts imp bytes (8 per slot) now.
local a = array(20000, 0);
server.log("20000 slots fit: " + a.len());
a = null;
try { a = array(24000, 0); } catch (e) server.log("24000 slots: " + e);
