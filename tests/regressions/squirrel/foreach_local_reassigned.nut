// foreach once copied its container: a body assigning a new value to the iterated local
// went on walking the old one. The reference walks the local in place, so the loop goes
// on through the new value from the same position (1 8 9).
local a=[1,2,3]; foreach(x in a){ print(x); a=[7,8,9]; } print("\n");
local t={p=1}; foreach(k,v in t){ print(k); t={q=2,r=3}; } print("\n");
local s="ab"; foreach(c in s){ print(c); s="xyz"; } print("\n");
local b=[1,2,3]; foreach(i,x in b){ print(i+":"+x+" "); b.push(i); if (b.len() > 6) break; } print("\n");
function f(arr) { foreach (x in arr) { print(x); arr = [10, 20, 30]; } print("\n"); }
f([1, 2, 3]);
local d=[1,2,3]; local g = function() { d = [4,5,6]; }; foreach(x in d){ print(x); g(); } print("\n");
