// Chains of `+` that build text (compiled with Concat): the order of every `+`, the
// metamethod calls and the errors must be the reference's.
local x = 5, y = "b", n = null;
print("a" + x + y + 1.5 + true + n + "\n");
print(1 + 2 + "c" + 3 + 4 + "\n");
print(1.5 + 2 + "c" + 0.25 + "\n");
// A `_tostring` that assigns a local read later in the same chain.
local T = { _tostring = function() { x = 99; return "T!"; } };
local o = {}.setdelegate(T);
print("p" + o + x + "\n");
local C = class {
    function _tostring() { y = "changed"; return "C"; }
    function _add(v) { return 1000 + v; }
};
local c = C();
print("" + c + y + "\n");
print((c + 1 + 2) + "" + "\n");
print(c + 1 + "" + "\n");
// Errors in the middle of a chain, before and after text has started.
try { print("a" + x + (null + 1) + "\n"); } catch (e) { print("err: " + e + "\n"); }
try { local q = null; print(q + x + "z" + "\n"); } catch (e) { print("err: " + e + "\n"); }
try { local q = [], r = 2; print(q + r + "z" + "\n"); } catch (e) { print("err: " + e + "\n"); }
// A `_tostring` that throws stops the chain where it stands.
local B = class { function _tostring() { throw "boom"; } };
local trace = [];
function mark(v) { trace.append(v); return v; }
try { print("s" + mark(1) + B() + mark(2) + "\n"); } catch (e) { print("err: " + e + " after " + trace.len() + "\n"); }
// Long text, integer extremes, every plain type.
local long = "0123456789012345678901234567890123456789";
print(long + long + x + long + "\n");
print("neg" + (-9223372036854775807 - 1) + "|" + -42 + "|" + 0 + "|" + 9223372036854775807 + "\n");
print("arr:" + (typeof []) + x + [].len() + "\n");
// Operands that need evaluating run after the sums to their left.
function f() { x = 7; return "F"; }
x = 1;
print("s" + x + f() + x + "\n");
local s = "k";
s = s + s + "|" + s;
print(s + "\n");
local keys = [];
for (local i = 0; i < 3; i++) keys.append("key" + i + "=" + (i * 31 % 1000));
print(keys.len() + " " + keys[2] + "\n");
print("x".find("") + " " + "ab".find("b") + " " + "abab".find("b", 2) + " " + ("abc".find("d") == null) + "\n");
