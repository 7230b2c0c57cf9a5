// Names read through a table `this` (a function called as a table's slot) resolve in
// the table, its delegate, the table default delegate, then the root table; the
// inline cache that remembers the root's slot must yield to each of them. Also: string
// bytes by index, integers as text, and `in` with keys of every scalar type.
function greet() { return "global"; }
::len <- function() { return "global len"; };
local t = { n = 1 };
t.run <- function() { return greet() + " " + len(); };
local out = [];
for (local i = 0; i < 3; i++) out.push(t.run());
::greet <- function() { return "global2"; };
out.push(t.run());
t.greet <- function() { return "own"; };
out.push(t.run());
delete t.greet;
out.push(t.run());
t.setdelegate({ greet = function() { return "delegate"; } });
out.push(t.run());
t.setdelegate(null);
out.push(t.run());
local handlers = {};
handlers.go <- function(x) { return greet() + ":" + x; };
for (local i = 0; i < 2; i++) out.push(handlers.go(i));
handlers.nothere <- function() { return missing(); };
try { handlers.nothere(); } catch (e) { out.push(e); }
foreach (o in out) print(o + "\n");

local s = "h\xe9llo";
print(s[0] + " " + s[1] + " " + s[4] + " " + s[-1] + " " + s[-5] + "\n");
foreach (k in [5, -6, 100]) {
    try { print(s[k] + "\n"); } catch (e) { print(e + "\n"); }
}

foreach (n in [0, 7, -7, 10, -10, 99, 100, 123456789, -2147483648, 9223372036854775807, -9223372036854775807 - 1]) {
    print(n.tostring() + " " + typeof n.tostring() + "\n");
}

local m = { [1] = "a", s = "b", [2.5] = "c", [true] = "d" };
foreach (k in [1, 2, "s", "t", 2.5, 1.0, true, false]) print((k in m) + " ");
print("\n");
