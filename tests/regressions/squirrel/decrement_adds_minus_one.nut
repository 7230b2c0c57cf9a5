// `x--` and `--x` add -1, as sq 3.2 does (fuzz diff signatures `incdec: error "arith
// op - on ..." | string` and `... | error "arith op + on ..."`): a string gets "-1"
// appended, an instance's `_add` (not `_sub`) is called with -1, an error names `+`.
class C { v = 0; constructor(x) { v = x; } function _add(o) { print("add " + o + "\n"); return C(v + o); } function _sub(o) { print("sub " + o + "\n"); return C(v - o); } }
local s = "ab"; --s; print(s + "\n"); s--; print(s + "\n"); print((s--) + "\n"); print((--s) + "\n");
local c = C(5); --c; c--; print(c.v + "\n");
local t = {x = "q"}; t.x--; --t.x; print(t.x + "\n"); print((t.x--) + " " + (--t.x) + "\n");
local a = ["z"]; a[0]--; --a[0]; print(a[0] + "\n");
g <- "g"; g--; --g; print(g + "\n");
local f = 1.5; f--; --f; print(f + "\n");
local o = "o"; local fn = function() { o--; --o; return o; }; print(fn() + "\n");
local s2 = "ab"; s2++; ++s2; print(s2 + "\n");
local b = true; try { b--; } catch (e) print(e + "\n");
try { --b; } catch (e) print(e + "\n");
try { t.x = []; t.x--; } catch (e) print(e + "\n");
local i = -9223372036854775807; i--; print(i + "\n"); i--; print(i + "\n");
