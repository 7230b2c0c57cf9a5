// Found by impish-fuzz (mutate): an uncaught "stack overflow" took 20 s, as building
// the stack trace looked up each frame's locals by walking all 100 000 frames.
// (sq itself is killed on this program: no reference output.)
function f(n) { return 1 + f(n + 1); }
print("start\n");
f(0);
