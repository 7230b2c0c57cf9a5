// Natives called from the dispatch loop's own path: parameter checks that skip the
// leading `.` masks, arity errors, bound environments, a native suspending a thread or
// switching to one, and a blob's `b[i]` read and written through its class's indexer
// (members first, then the bytes), with every error message as the reference words it.
function attempt(f) {
    try { return "ok " + f(); } catch (e) { return "error: " + e; }
}
local cases = [
    function() { return sin("x"); },
    function() { return fabs(null); },
    function() { return sin(0.5, 1); },
    function() { return atan2(1.0, "y"); },
    function() { return "abc".slice("x"); },
    function() { return "abc".len.call([]); },
    function() { return [].push.call("s", 1); },
    function() { return [3, 1, 2].sort.bindenv({})(); },
    function() { return format("%d", "x"); },
    function() { return blob(4).writen("a", 'b'); },
    function() { return blob(4).readn(); },
    function() { return blob(4).readn('b'); },
    function() { return blob.readn.call({}, 'b'); },
];
foreach (i, f in cases) print(i + ": " + attempt(f) + "\n");

// Many calls in a loop, some failing, the result landing in different registers.
local sum = 0.0, errors = 0, lens = 0;
for (local i = 0; i < 2000; i++) {
    sum += fabs(sin(i * 0.01)) + floor(i / 7.0);
    lens += ("x" + i).len();
    try { sqrt(i % 3 == 0 ? "bad" : i); } catch (e) { errors++; }
}
print(format("sum=%.3f lens=%d errors=%d\n", sum, lens, errors));

// A bound native sees its environment as `this`.
local env = {a = 1, b = 2};
local bound = {}.len.bindenv(env);
print(bound() + " " + bound.getinfos().name + " " + bound.getinfos().paramscheck + "\n");

// A thread suspending through the `suspend` native and woken by `wakeup`.
local t = newthread(function(a) {
    local got = suspend(a * 2);
    got = suspend(got + 1);
    return "done " + got;
});
print(t.call(5) + "\n");
print(t.wakeup(10) + "\n");
print(t.wakeup(20) + "\n");
print(t.getstatus() + "\n");

// A blob's bytes by index, written and read back in every width.
local b = blob(16);
foreach (code in ['b', 'c', 'w', 's', 'i', 'l', 'f', 'd']) {
    b.seek(0);
    b.writen(code == 'f' || code == 'd' ? -2.5 : -2, code);
    b.seek(0);
    local back = b.readn(code);
    local bytes = [];
    for (local k = 0; k < b.tell(); k++) bytes.push(b[k]);
    print(code.tochar() + " " + back + " " + bytes.len() + " " + b[0] + "\n");
}
for (local k = 0; k < 16; k++) b[k] = k * 17;
local acc = 0;
for (local k = 0; k < 16; k++) acc = acc * 3 + b[k];
print("acc=" + acc + " len=" + b.len() + "\n");
print(attempt(function() { return b[16]; }) + "\n");
print(attempt(function() { return b[-1]; }) + "\n");
print(attempt(function() { b[16] = 1; return "stored"; }) + "\n");
print(attempt(function() { return b["len"](); }) + "\n");
print(attempt(function() { return b[1.0]; }) + "\n");

// A class deriving from blob keeps its members before the bytes.
class Tagged extends blob {
    tag = "t";
    function first() { return this[0]; }
}
local tb = Tagged(3);
tb[0] = 65;
print(tb.tag + " " + tb.first() + " " + tb[2] + " " + tb.len() + "\n");
print(attempt(function() { return tb[3]; }) + "\n");
