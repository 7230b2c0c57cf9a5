// Every shape of call the compiler sets up: a local function (PrepCall), a global
// (PrepCallK), a method through a field, an element, an outer, and a tail call.
local twice = function(x) { return x * 2; };
function add(a, b) { return a + b; }
local obj = { step = function(n) { return n + 1; } };
local fs = [twice];
function outer_call() { return twice(1) + 1; }
local r = twice(3) + add(1, 2) + obj.step(4) + fs[0](5) + outer_call();
function tail(n) { return add(n, 1); }
print(r + tail(1) + "\n");
