// Tail calls: into plain functions (the frame is reused in place), with outers of the
// caller still open, into functions with defaults, varargs, a bound environment and a
// generator, and deep tail recursion that would overflow without frame reuse.
function plain(a, b) { return a * 10 + b; }
function withdef(a, b = 7) { return a + b; }
function va(...) { return vargv.len(); }
function gen(n) { for (local i = 0; i < n; i++) yield i; }
function count(n, acc) { if (n == 0) return acc; return count(n - 1, acc + 1); }
function capture(x) {
    local y = x + 1;
    local f = function() { return y; };
    return plain(f(), y);       // y's outer is closed before the frame is reused
}
local env = { k = 5 };
local bound = function(v) { return v + this.k; }.bindenv(env);
function tb(v) { return bound(v); }
function tp(a) { return plain(a, a + 1); }
function td(a) { return withdef(a); }
function tv() { return va(1, 2, 3); }
function tg() { return gen(3); }
local s = "";
foreach (v in tg()) s += v;
print(tp(4) + " " + td(1) + " " + tv() + " " + s + " " + tb(2) + " " + capture(3) + " " + count(100000, 0) + "\n");
