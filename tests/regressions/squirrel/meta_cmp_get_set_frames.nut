// An instance's `_cmp`, `_get` and `_set` run as frames of the interpreter loop,
// not as runs nested in Rust: a `_get` or `_set` that throws null means "no such
// slot" (the read goes on to the root table, else fails as a missing index) even
// beneath a handler of the caller's, other errors unwind to the caller's handler
// without calling the error handler when caught, `_cmp`'s result becomes the
// comparison's (or its jump's), and a thread may not suspend beneath one of them.
class V {
    n = 0;
    constructor(k) { n = k; }
    function _cmp(o) {
        if (o.n == 99) throw "cmp 99";
        if (o.n == 98) return "x";
        if (o.n == 97) return suspend(1);
        return n <=> o.n;
    }
}
local a = V(1), b = V(2), c = V(2);
print((a < b) + " " + (a <= b) + " " + (a > b) + " " + (a >= b) + " " + (b >= c) + " " + (b <= c) + " " + (a < a) + "\n");
if (a < b) print("jlt\n"); else print("no jlt\n");
if (!(a > b)) print("jgt not\n");
local k = 0;
for (local v = V(0); v < V(5); v = V(v.n + 1)) k++;
print("loop " + k + "\n");
local w = V(0);
do { w = V(w.n + 2); } while (w <= V(6));
print("do " + w.n + "\n");
try { print(a < V(99)); } catch (e) { print("caught: " + e + "\n"); }
try { print(a < V(98)); } catch (e) { print("caught: " + e + "\n"); }
local th = newthread(function() { return a < V(97); });
try { print(th.call() + "\n"); } catch (e) { print("thread: " + e + "\n"); }
local arr = [V(3), V(1), V(2)];
arr.sort(function(x, y) { return x < y ? -1 : x > y ? 1 : 0; });
foreach (v in arr) print(v.n + " ");
print("\n");
local g = function() { for (local i = 0; i < 3; i++) yield (V(i) < V(1)); };
foreach (v in g()) print(v + " ");
print("\n");

class R {
    raw = null; log = null;
    constructor() { raw = {}; log = []; }
    function _get(k) {
        log.append(k);
        if (k in raw) return raw[k];
        if (k == "nul") return null;
        if (k == "err") throw "get failed";
        if (k == "sus") return suspend(2);
        if (k == "deep") return this.deep2;
        if (k == "deep2") throw null;
        if (k == "gen") return (function() { yield 5; })();
        throw null;
    }
    function _set(k, v) {
        if (k == "err") throw "set failed";
        if (k == "sus") suspend(3);
        if (k == "none") throw null;
        raw[k] <- v;
        return "ignored";
    }
    function useGlobal() { return globalValue + 1; }
    function setGlobal() { globalValue = 10; }
    function missing() { return noSuchName; }
}
::globalValue <- 5;
local r = R();
r.x = 3;
print(r.x + " " + r.nul + " " + (r["x"] = 4) + " " + r.x + "\n");
try { print(r.y + "\n"); } catch (e) { print("get y: " + e + "\n"); }
try { print(r.err + "\n"); } catch (e) { print("get err: " + e + "\n"); }
try { print(r.deep + "\n"); } catch (e) { print("get deep: " + e + "\n"); }
try { r.none = 1; } catch (e) { print("set none: " + e + "\n"); }
try { r.err = 1; } catch (e) { print("set err: " + e + "\n"); }
print(r.useGlobal() + "\n");
r.setGlobal();
print(::globalValue + "\n");
try { r.missing(); } catch (e) { print("missing: " + e + "\n"); }
foreach (v in r.gen) print("gen " + v + "\n");
try { print(r.len + "\n"); } catch (e) { print("len: " + e + "\n"); }
local t1 = newthread(function() { return r.sus; });
try { print(t1.call() + "\n"); } catch (e) { print("thread get: " + e + "\n"); }
local t2 = newthread(function() { r.sus = 1; return "set"; });
try { print(t2.call() + "\n"); } catch (e) { print("thread set: " + e + "\n"); }
local gg = function() { yield r.x; yield r.nul; r.z = 7; yield r.z; };
foreach (v in gg()) print(v + " ");
print("\n");
seterrorhandler(function(e) { print("handler: " + e + "\n"); });
try { print(r.y + "\n"); } catch (e) { print("get y: " + e + "\n"); }
try { print(r.err + "\n"); } catch (e) { print("get err: " + e + "\n"); }
try { r.none = 1; } catch (e) { print("set none: " + e + "\n"); }
try { print(a < V(99)); } catch (e) { print("caught: " + e + "\n"); }
seterrorhandler(null);
class D {
    function _get(k) { return k == 0 ? 0 : this[k - 1] + 1; }
    function _set(k, v) { if (k > 0) this[k - 1] = v; }
}
class E { function _cmp(o) { return this < E() ? 1 : 0; } }
local d = D();
print(d[50] + "\n");
try { print(d[200] + "\n"); } catch (e) { print("deep get: " + e + "\n"); }
d[50] = 1;
try { d[200] = 1; } catch (e) { print("deep set: " + e + "\n"); }
try { print((E() < E()) + "\n"); } catch (e) { print("deep cmp: " + e + "\n"); }
print(r.log.len() + "\n");
