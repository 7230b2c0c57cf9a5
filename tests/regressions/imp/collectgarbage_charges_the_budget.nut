// collectgarbage() walks every live object and the whole stack: called at each level of
// a deep recursion its work grew with the square of the depth while the instruction
// budget counted one instruction a call, so a 300,000-instruction fuzz case ran for
// minutes. Each collection now charges the objects and stack slots it walked.
local keep = [];
for (local i = 0; i < 2000; i++) keep.append({ n = i });
function dive(n) {
    collectgarbage();
    return n == 0 ? 0 : 1 + dive(n - 1);
}
try {
    print(dive(100000) + "\n");
} catch (e) {
    print("stopped: " + e + "\n");
}
