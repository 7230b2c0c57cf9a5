// Inline caches must never outlive what they cached: a name read through `this` that
// resolved to a global becomes a member (or a _get answer) once the class gains one,
// and globals replaced or re-slotted are seen at once.
function Helper() { return "global"; }
class A {
    function run() { return Helper(); }
}
local a = A();
local out = [];
for (local i = 0; i < 3; i++) out.push(a.run());
A.Helper <- function() { return "method"; };
for (local i = 0; i < 2; i++) out.push(a.run());
A._get <- function(k) { return "meta"; };
out.push(a.run());
::Helper <- function() { return "global2"; };
out.push(a.run());
class B { function run() { return Helper(); } }
local b = B();
out.push(b.run());
::Helper = function() { return "global3"; };
out.push(b.run());
foreach (o in out) print(o + "\n");
