// Long left-associative chains, as generated code writes them: sq compiles them with a
// register or two, whatever their length. They once ran out of registers ("too many
// local variables or temporaries") at about 250 operands, 125 chained calls.
function repeat(s, n) {
    local out = "";
    for (; n > 0; n = n >> 1, s += s) if (n & 1) out += s;
    return out;
}
function run(source) {
    try {
        return compilestring(source, "chain.nut")();
    } catch (e) {
        return "error: " + e;
    }
}
local a = 1;
local sum = "local a = 1; return a" + repeat(" + a", 2999);
print("sum of 3000: " + run(sum) + "\n");
print("differences: " + run("local a = 1; return 10000" + repeat(" - a", 4000)) + "\n");
print("mixed: " + run("local a = 2; return a" + repeat(" * a - a + 1", 1000)) + "\n");
print("text: " + run("local s = \"x\"; return (\"\"" + repeat(" + s + 1", 1500) + ").len()") + "\n");
local obj = "local o = { n = 0, function step(k) { n += k; return this } }; return o";
print("method chain of 3000: " + run(obj + repeat(".step(1)", 3000) + ".n") + "\n");
print("field chain of 5000: " + run("local t = {}; t.t <- t; t.v <- 7; return t" + repeat(".t", 5000) + ".v") + "\n");
print("index chain: " + run("local t = [0]; t[0] = t; return (t" + repeat("[0]", 3000) + " == t)") + "\n");
print("call chain: " + run("local f; f = function() { return f }; return typeof f" + repeat("()", 3000)) + "\n");
print("comparisons: " + run("local a = 1; return a" + repeat(" == a", 1000)) + "\n");
while (0) ; print("after an empty loop body on the same line\n");
if (a) ; else ; print("after empty branches\n");
