// Collections inside natives' callbacks (map, filter, reduce, sort of tables and arrays)
// once freed what the natives held in Rust: the output must be what it is without
// the collectgarbage() calls (the reference's output then).
// Collections inside natives' callbacks: what the natives hold must survive.
local t = {};
for (local i = 0; i < 8; i++) t["k" + i] <- {v = i};
local seen = 0;
local m = t.map(function(k, v) { t.clear(); collectgarbage(); seen += v.v; return {w = v.v * 2}; });
local sum = 0;
foreach (x in m) if (x) sum += x.w;
print("map " + m.len() + " " + seen + " " + sum + "\n");

t = {};
for (local i = 0; i < 8; i++) t["k" + i] <- {v = i};
local f = t.filter(function(k, v) { t.clear(); collectgarbage(); return v.v % 2 == 0; });
local fs = 0;
foreach (k, x in f) fs += x.v;
print("filter " + f.len() + " " + fs + "\n");

local arr = [];
for (local i = 0; i < 8; i++) arr.append({v = i});
local kept = arr.filter(function(i, v) { arr[i] = null; v = null; collectgarbage(); return true; });
local ks = 0;
foreach (x in kept) ks += x.v;
print("array filter " + kept.len() + " " + ks + "\n");

arr = [];
for (local i = 0; i < 8; i++) arr.append({v = i});
local r = arr.reduce(function(acc, v) { arr.clear(); collectgarbage(); return {v = acc.v + v.v}; });
print("reduce " + r.v + "\n");

arr = [];
for (local i = 0; i < 8; i++) arr.append({v = i});
local mapped = arr.map(function(v) { collectgarbage(); return {v = v.v + 1}; });
local ms = 0;
foreach (x in mapped) ms += x.v;
print("array map " + ms + "\n");

arr = [{v = 3}, {v = 1}, {v = 2}];
arr.sort(function(a, b) { collectgarbage(); return a.v <=> b.v; });
print("sort " + arr[0].v + arr[1].v + arr[2].v + "\n");
arr = [{v = 3}, {v = 1}, {v = 2}];
try {
    arr.sort(function(a, b) { arr.pop(); collectgarbage(); return a.v <=> b.v; });
} catch (e) print("sort " + e + "\n");
