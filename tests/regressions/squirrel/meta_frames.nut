// An instance's arithmetic and negation metamethods run as frames of the
// interpreter loop, not as runs nested in Rust: they still count toward the
// reference's nesting limit (a catchable "Native stack overflow"), errors raised in
// them unwind to the caller's handler, and a thread may not suspend beneath one.
// A delegate's metamethods still run nested.
class V {
    n = 0;
    constructor(k) { n = k; }
    function _add(o) { return V(n + o.n); }
    function _sub(o) { if (o.n == 0) throw "sub by zero"; return V(n - o.n); }
    function _mul(k) { return k == 0 ? V(0) : this * (k - 1) + this; }
    function _div(k) { return V(n / k); }
    function _modulo(k) { return V(n % k); }
    function _unm() { return V(-n); }
}
local a = V(5), b = V(3);
print((a + b).n + " " + (a - b).n + " " + (a * 4).n + " " + (a / 2).n + " " + (a % 3).n + " " + (-a).n + "\n");
print((a * 20).n + "\n");
try { print((a * 200).n + "\n"); } catch (e) { print("deep: " + e + "\n"); }
try { local c = a - V(0); print(c.n + "\n"); } catch (e) { print("caught: " + e + "\n"); }
class W {
    function _add(o) { return o + 1; }
    function _unm() { return suspend(7); }
}
local w = W();
print((w + 41) + "\n");
local th = newthread(function() { return -w; });
try { print(th.call() + "\n"); } catch (e) { print("thread: " + e + "\n"); }
local g = function() { for (local i = 0; i < 3; i++) yield (a + V(i)).n; };
foreach (v in g()) print(v + " ");
print("\n");
class S { function _add(o) { return "S+" + o; } function _tostring() { return "S"; } }
print((S() + "x") + " " + (S() + 1) + "\n");
function lim(k) { return k == 0 ? V(0) : lim(k - 1) + V(1); }
print(lim(50).n + "\n");
local t = {}.setdelegate({ _add = function(o) { return 100 + o; }, _unm = function() { return -1; } });
print((t + 1) + " " + (-t) + "\n");
