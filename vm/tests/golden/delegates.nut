local a = [5, 3, 9, 1]
a.sort(); print(a.len() + " " + a[0] + " " + a.top() + "\n")
a.sort(function(x, y) { return y <=> x }); print(a[0] + "\n")
print(a.map(@(v) v * 2).reduce(@(acc, v) acc + v) + " " + a.filter(@(i, v) v > 3).len() + " " + a.find(9) + "\n")
a.insert(1, 7); a.remove(0); a.resize(6, 0); a.reverse(); print(a.slice(1, 3).len() + " " + a.pop() + "\n")
local t = { b = 2, a = 1 }
print(t.len() + " " + t.rawget("a") + " " + t.rawin("b") + " " + t.keys().len() + " " + t.values().len() + "\n")
t.rawset("c", 3); print(t.rawdelete("c") + " " + t.len() + "\n")
print("Hello".toupper() + " " + "Hello".tolower() + " " + "Hello".slice(1, -1) + " " + "Hello".find("l") + " " + "12abc".tointeger() + " " + "ff".tointeger(16) + " " + "2.5".tofloat() + "\n")
print((65).tochar() + " " + (3.9).tointeger() + " " + (2).tofloat() + " " + true.tointeger() + "\n")
function f(a, b = 2) { return a + b }
local i = f.getinfos()
print(i.name + " " + i.parameters.len() + " " + i.defparams[0] + " " + f.call(null, 1) + " " + f.acall([null, 1, 1]) + "\n")
class C { x = 1; static s = 5; function m() { return x } }
local c = C()
print(c.getclass() == C); print(" " + C.s + " " + c.rawget("x") + " " + C.rawin("m") + " " + (C.getbase() == null) + "\n")
local w = c.weakref(); print(typeof w + " " + (w.ref() == c) + "\n")
