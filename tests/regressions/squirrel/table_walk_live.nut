// table.map and filter walk the live table, as the reference does.
local t = {};
for (local i = 0; i < 4; i++) t["k" + i] <- i;
local m = t.map(function(k, v) { print("cb " + k + "\n"); if (v == 2) t.rawdelete("k1"); return v; });
print(m.len() + "\n");
foreach (i, x in m) print(i + "=" + x + "\n");
local t2 = {a=1,b=2,c=3};
local m2 = t2.map(function(k, v) { t2.clear(); return v; });
print(m2.len() + "\n");
