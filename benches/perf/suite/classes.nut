// classes.nut - class hierarchies with metamethods: shapes derived from a base
// class with overridden and base-calling methods, a 2-D integer vector class
// with _add/_sub/_mul/_unm/_cmp/_tostring, and a register map class whose
// fields are virtual through _get/_set.
// Measures: method calls through inheritance, base.method(), metamethod
// dispatch, instance creation, instanceof.
class Vec {
    x = 0; y = 0;
    constructor(a, b) { x = a; y = b; }
    function _add(o) { return Vec(x + o.x, y + o.y); }
    function _sub(o) { return Vec(x - o.x, y - o.y); }
    function _mul(k) { return Vec(x * k, y * k); }
    function _unm() { return Vec(-x, -y); }
    function _cmp(o) { local a = x * x + y * y, b = o.x * o.x + o.y * o.y; return a < b ? -1 : a > b ? 1 : 0; }
    function _tostring() { return "(" + x + "," + y + ")"; }
}

class Shape {
    origin = null;
    constructor(o) { origin = o; }
    function area() { return 0; }
    function describe() { return "shape@" + origin; }
    function moved(d) { origin = origin + d; return this; }
}
class Rect extends Shape {
    w = 0; h = 0;
    constructor(o, a, b) { base.constructor(o); w = a; h = b; }
    function area() { return w * h; }
    function describe() { return "rect " + base.describe(); }
}
class Square extends Rect {
    constructor(o, s) { base.constructor(o, s, s); }
    function describe() { return "square " + base.describe(); }
}
class Circle extends Shape {
    r = 0;
    constructor(o, rr) { base.constructor(o); r = rr; }
    function area() { return r * r * 355 / 113; }
}

class Registers {
    raw = null;
    constructor() { raw = array(8, 0); }
    function _get(name) {
        if (name == "ctrl") return raw[0];
        if (name == "status") return raw[1] | 0x80;
        throw null;
    }
    function _set(name, v) {
        if (name == "ctrl") { raw[0] = v & 0xFF; return; }
        throw null;
    }
}

local N = 500000;
local total = 0, biggest = Vec(0, 0), squares = 0, text = 0;
local regs = Registers();
for (local i = 0; i < N; i++) {
    local o = Vec(i % 17, i % 23);
    local s;
    switch (i % 3) {
    case 0: s = Rect(o, i % 7 + 1, i % 5 + 1); break;
    case 1: s = Square(o, i % 9 + 1); break;
    default: s = Circle(o, i % 11 + 1);
    }
    s.moved(Vec(1, 2) * (i % 4)).moved(-Vec(1, 1));
    total += s.area();
    local d = s.origin - Vec(3, 4);
    if (d > biggest) biggest = d;
    if (s instanceof Rect && s.w == s.h) squares++;
    if (i % 64 == 0) text += s.describe().len();
    regs.ctrl = i;
    total += regs.status;
}
print(format("total=%d squares=%d text=%d biggest=%s ctrl=%d\n", total, squares, text, biggest.tostring(), regs.ctrl));
