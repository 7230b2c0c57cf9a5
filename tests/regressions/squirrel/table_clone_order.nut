// `clone` of a table adds its entries in iteration order to a new table of the same size, as sq's
// does, so the copy can iterate in another order than the original (it once copied the nodes).
local function show(t) { local s = ""; foreach (k, v in t) s += k + " "; print(s + "\n"); }
show(clone {["n1"]=false, [7]="x", ["b"]=5});
show({["n1"]=false, [7]="x", ["b"]=5});
show({a=1, b=2, c=3, d=4, e=5});
show({a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9});
show(clone {a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9});
local t = {}; for (local i = 0; i < 20; i++) t[i * 7 + "k"] <- i; show(t); show(clone t);
show({[1]=1, [5]=2, [9]=3, [13]=4, [17]=5});
show(clone {[1]=1, [5]=2, [9]=3, [13]=4, [17]=5});
local u = {[1.5]=1, [true]=2, [-3]=3, x=4}; show(u); show(clone u);
