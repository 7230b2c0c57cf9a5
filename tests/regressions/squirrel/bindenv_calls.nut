// A closure bound with `bindenv` is entered on the interpreter's fast call path:
// its `this` must be the environment, whatever the call site passed, and reading a
// collected environment gives null, as the general path does.
local box = { name = "box", n = 0 };
local f = function(k) { n += k; return name + ":" + n; }.bindenv(box);
print(f(1) + "\n");                      // a plain call
local holder = { name = "holder", n = 100, f = f };
print(holder.f(2) + "\n");               // called as another table's slot
class Counter {
    name = "counter"; n = 10;
    function bump(k) { n += k * 2; return name + ":" + n; }
}
local c = Counter();
local g = c.bump.bindenv(box);          // a method bound to a table
print(g(3) + " " + c.n + "\n");
local h = Counter.bump.bindenv(c);      // an instance's method, through the class
print(h(4) + "\n");
// Recursion and many calls through a bound closure.
local sum = { total = 0 };
local acc;
acc = function(k) { if (k == 0) return total; total += k; return acc(k - 1); }.bindenv(sum);
print(acc(50) + "\n");
local calls = 0;
for (local i = 0; i < 1000; i++) calls += f(0).len();
print(calls + "\n");
// The environment collected: `this` reads as null.
local lost = function() { return this; }.bindenv({ x = 1 });
collectgarbage();
print(typeof lost() + "\n");
// Bound closures as sort comparators and array callbacks (environments kept alive:
// the reference frees an unreferenced one at once).
local down = { dir = -1 }, tens = { scale = 10 };
local cmp = function(a, b) { return dir * (a <=> b); }.bindenv(down);
local arr = [3, 1, 2];
arr.sort(cmp);
print(arr[0] + "," + arr[1] + "," + arr[2] + "\n");
print(arr.map(function(v) { return v * scale; }.bindenv(tens)).reduce(@(a, b) a + b) + "\n");
