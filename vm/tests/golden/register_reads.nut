// Every kind of value through registers and native arguments (read word by word,
// `Value::read_split`), right after it is made and after the value stack has grown
// beneath a native's callback (deep recursion inside `map`), so a stale register
// pointer or a torn read would show.
class Point { x = 1; constructor(v) { x = v; } }
function deep(n) { return n == 0 ? 0 : 1 + deep(n - 1); }
function kinds() {
    return [null, true, false, -9223372036854775807 - 1, -0.0, 1.5, "s", {a = 1}, [1, 2],
            deep, print, Point, Point(4), (function() { yield 1; })()];
}
local before = kinds().map(@(v) typeof v);
local grown = [1].map(function(_) { return deep(3000); });
local after = kinds().map(function(v) { deep(200); return typeof v; });
print(before.len() + " " + grown[0] + "\n");
foreach (i, t in after) print(i + " " + t + " " + (t == before[i]) + "\n");
local f = 0.25, b = true, n = 7;
local sum = n + 1, prod = f * 2, neg = !b;
print(sum + " " + prod + " " + neg + " " + array(1, sum)[0] + " " + array(1, prod)[0] + " " + array(1, neg)[0] + " " + prod.tostring() + "\n");
print(Point(sum).x + " " + (-0.0 < 0.0) + " " + (0 <=> -0.0) + "\n");
