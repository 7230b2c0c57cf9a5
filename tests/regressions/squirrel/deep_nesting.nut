// Deeply nested programs once overflowed the Rust stack (an abort) in the compiler or
// when their tree was dropped; sq crashes on most of them. Past a fixed depth they are
// the compile error "nesting too deep"; parentheses alone do not deepen the tree.
function repeat(s, n) {
    local out = "";
    for (; n > 0; n = n >> 1, s += s) if (n & 1) out += s;
    return out;
}
function nested(open, leaf, close, depth) {
    return repeat(open, depth) + leaf + repeat(close, depth);
}
local shapes = [
    ["lambdas", "return ", "@() ", "1", ""],
    ["method chains", "local x = {a = function(v) { return this }}; return ", "", "x", ".a(1)"],
    ["arrays", "return ", "[", "1", "]"],
    ["tables", "return ", "{a = ", "1", "}"],
    ["blocks", "", "{", "", "}"],
    ["else chains", "local a = 0; ", "if (a) a++; else ", "a--;", ""],
    ["negations", "return ", "- ", "1", ""],
    ["assignments", "local a; return ", "a = ", "1", ""],
    ["ternaries", "local a; return ", "a ? 1 : ", "2", ""],
    ["calls", "return ", "print(", "1", ")"],
];
foreach (shape in shapes) {
    foreach (depth in [20, 20000]) {
        local source = shape[1] + nested(shape[2], shape[3], shape[4], depth);
        try {
            compilestring(source, "deep.nut");
            print(shape[0] + " " + depth + ": compiles\n");
        } catch (e) {
            print(shape[0] + " " + depth + ": " + e + "\n");
        }
    }
}
local parens = nested("(", "42", ")", 100000);
print("parentheses: " + compilestring("return " + parens)() + "\n");
print("a syntax error after a deep operand: ");
try { compilestring("return " + nested("- ", "1", "", 100000) + " )") } catch (e) { print(e + "\n") }
