// Near the memory limit, a native's allocation (array(n)) first lets the collector
// reclaim garbage; it used to fail with "out of memory" inside natives.
local kept = 0;
for (local i = 0; i < 50; i++) { local g = array(1000, i); kept += g.len(); }
local big = [1].map(function(x) { local a = array(8000, 0); return a.len(); });
print(kept + " " + big[0] + "\n");
