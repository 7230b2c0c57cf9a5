// A runaway recursion is a catchable "stack overflow" at a million frames (sq runs until
// memory runs out).
function g(n) { return g(n + 1) + 1 }
try { g(0) } catch (e) { print(e + "\n") }
