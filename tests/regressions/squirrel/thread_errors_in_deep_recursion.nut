// Every error leaving a function records the call stack before its frames go, even when
// a caller catches it: a thread failing at each level of a deep recursion recorded the
// whole stack each time, so the run took time in the square of the depth (a mutated
// program ran for minutes under a small instruction budget). The record is cut at
// 100 frames.
local depth = 0;
function level() {
    depth++;
    local failing = newthread(function() { suspend("first"); throw "thread failure" });
    failing.call();
    try { failing.wakeup() } catch (e) {}
    if (depth < 3000) level();
}
level();
print(depth + "\n");
try {
    level();
} catch (e) {
    print("no error expected: " + e + "\n");
}
print(depth + "\n");
