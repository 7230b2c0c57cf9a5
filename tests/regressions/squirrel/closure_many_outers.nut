// Closures capturing more outers than a closure keeps inline (the first five): reads,
// writes and calls through outers on both sides of the boundary, outers of outers
// captured again by nested closures, open outers shared with the defining frame, and
// closed ones outliving it, through a generator's suspension and a collection.
function make(a, b, c, d, e, f, g, h) {
    local count = 0;
    local bump = function(k) {
        count += k; a += k; h += k; g = g * 2;
        return a + b + c + d + e + f + g + h + count;
    };
    local nested = function() {
        return function(k) { h -= k; f += k; return [a, e, f, g, h, count]; };
    };
    local gen = function() {
        for (local i = 0; i < 3; i++) { g += i; yield [b, g, h]; }
    };
    local seen_open = bump(1);
    return { bump = bump, inner = nested(), gen = gen, open = seen_open, count = @() count };
}

local m = make(1, 2, 3, 4, 5, 6, 7, 8);
print(m.open + "\n");
print(m.bump(10) + "\n");
local r = m.inner(3);
foreach (v in r) print(v + " ");
print("\n" + m.bump(0) + " count=" + m.count() + "\n");
local g = m.gen();
collectgarbage();
foreach (x in g) { foreach (v in x) print(v + " "); print("| "); }
print("\n");

// Many closures of nine outers each, made in a loop while others die.
local keep = [];
for (local i = 0; i < 2000; i++) {
    local p = i, q = i * 2, s = i * 3, t = i * 4, u = i * 5, v = i * 6, w = i * 7, x = i * 8, y = i * 9;
    local fn = function() { y += 1; return p + q + s + t + u + v + w + x + y; };
    fn();
    if (i % 100 == 0) keep.append(fn);
}
collectgarbage();
local total = 0;
foreach (fn in keep) total += fn();
print("total=" + total + "\n");
