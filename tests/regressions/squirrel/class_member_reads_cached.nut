// A constant-key read of a class's member (`base.constructor`, `Config.RATE`) goes
// through the instruction's inline cache: the node of the class's member table, which
// must still hold the key, so one site reading several classes (each with its members
// in other nodes), members replaced or added later, and missing names all read right.
class A { static NAME = "a"; x = 1; function f() { return "A.f"; } }
class B { y = 2; z = 3; static NAME = "b"; function g() { return "B.g"; } function f() { return "B.f"; } }
class C extends B { static NAME = "c"; function f() { return "C.f/" + base.f(); } }
local out = [];
foreach (k in [A, B, C, A, C, B]) {
    out.push(k.NAME + ":" + k.f() + ":" + (k.f)());
}
print(out.reduce(@(a, b) a + " " + b) + "\n");
// Fields read through the class give their defaults.
foreach (k in [A, B, C]) print(("x" in k ? k.x : "-") + ("y" in k ? k.y : "-") + " ");
print("\n");
// A member replaced after the site cached it (before any instance locks the class).
class D { static V = 1; function m() { return "old"; } }
local reads = [];
for (local i = 0; i < 4; i++) {
    reads.push(D.V + ":" + D.m());
    if (i == 1) { D.V <- 2; D.m <- function() { return "new"; }; }
}
print(reads.reduce(@(a, b) a + " " + b) + "\n");
// A method added after the class is instantiated (the class grows its table).
class E { function a() { return 1; } }
local e = E();
local got = [];
for (local i = 0; i < 3; i++) {
    got.push(E.a());
    E["m" + i] <- function() { return i; };
}
print(got.reduce(@(a, b) a + "," + b) + " " + E.m2() + "\n");
// Derived constructors calling base.constructor through several levels.
class P { v = 0; constructor(a) { v = a; } }
class Q extends P { w = 0; constructor(a, b) { base.constructor(a); w = b; } }
class R extends Q { constructor(a) { base.constructor(a, a * 2); } }
local s = 0;
for (local i = 0; i < 100; i++) { local r = i % 2 ? R(i) : Q(i, 1); s += r.v + r.w; }
print(s + "\n");
// A missing name through the same site: the reference's error.
local miss = 0;
foreach (k in [A, B]) {
    try { k.g(); } catch (err) { miss++; print(err + "\n"); }
}
print(miss + "\n");
