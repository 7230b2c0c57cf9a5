// One site, many classes: a base class's method run on instances of subclasses whose
// own members sit elsewhere, a member that is a method in one class and a field in
// another, methods added to a class that has instances, and classes made after a
// collection (whose ids may be reused) must each read their own members.
class Base {
    a = 1;
    function get() { return a; }
    function kind() { return "base"; }
    function show() { return kind() + ":" + get(); }
}
class Left extends Base {
    b = 2;
    function get() { return a + b; }
}
class Right extends Base {
    c = 3; d = 4;
    kind = "field";
    function show() { return kind + "/" + get() + "/" + base.get(); }
}
class Other {
    x = 9; a = 5;
    function get() { return a * 10; }
    function kind() { return "other"; }
    function show() { return kind() + "=" + get(); }
}
local out = [];
local objs = [Base(), Left(), Right(), Other(), Left(), Base(), Other(), Right()];
for (local round = 0; round < 3; round++) {
    local line = "";
    foreach (o in objs) line += o.show() + " " + o.a + " " + typeof o.kind + " ";
    out.push(line);
    foreach (i, o in objs) o.a = i * 10 + round;
    if (round == 1) Base.extra <- function() { return "extra" + a; };
}
foreach (o in objs) if ("extra" in o) out.push(o.extra());
collectgarbage();
for (local k = 0; k < 3; k++) {
    local C = class { q = k; a = "late" + k; function get() { return a + q; } };
    local D = class extends C { r = 0; a = "d"; };
    local line = "";
    foreach (o in [C(), D(), objs[k]]) line += o.get() + " " + o.a + " ";
    out.push(line);
    collectgarbage();
}
foreach (o in out) print(o + "\n");
