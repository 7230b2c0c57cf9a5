// 200,000 nested script calls: sq finishes; impish stopped at 100,000 frames, and the
// call stack of the uncaught error took 19 s to build (each local was looked up by a
// scan of every frame). A runaway recursion is a catchable "stack overflow".
function f(n) { return n == 0 ? 0 : f(n - 1) + 1 }
print(f(200000) + "\n")
