// Calls that take the general entry (default parameters, varargs, constructors with
// defaults) and instances made in place over freed ones (0 to 7 fields, so both inline
// and heap field storage), across collections.
function pick(a, b = 10, c = "c") { local x = a; local y; return x + ":" + b + ":" + c + ":" + y; }
function spread(a, ...) { local n = vargv.len(); return a + n; }

class P0 { function get() { return "p0"; } }
class P2 { x = 1; y = 2; constructor(a = 5, b = 6) { x = a; y = b; } }
class P4 { a = 1; b = 2; c = 3; d = 4; }
class P5 { a = 1; b = 2; c = 3; d = 4; e = 5; }
class P7 extends P5 { f = 6; g = 7; constructor(k = 0) { a = k; } }

local total = 0, text = "";
for (local i = 0; i < 3000; i++) {
    local p2 = (i % 2 == 0) ? P2(i) : P2();
    local p4 = P4();
    p4.d = i;
    local p5 = P5();
    p5.e = i * 2;
    local p7 = (i % 3 == 0) ? P7() : P7(i);
    total += p2.x + p2.y + p4.a + p4.d + p5.e + p7.a + p7.g + p7.e;
    total += spread(i) + spread(i, 1, 2, 3);
    if (i % 500 == 0) {
        text += pick(i) + " " + pick(i, 2) + " " + pick(i, 3, "z") + " " + P0().get() + "\n";
        collectgarbage();
    }
    local f = function(v, w = i) { return v + w; };
    total += f(1) + f(1, 2);
}
print(text);
print("total=" + total + "\n");
local seen = [];
foreach (c in [P2(), P4(), P5(), P7(9)]) {
    local fields = [];
    foreach (k, v in c.getclass()) if (typeof v != "function") fields.push(k + "=" + c[k]);
    fields.sort();
    seen.push(fields.reduce(@(a, b) a + "," + b));
}
foreach (s in seen) print(s + "\n");
