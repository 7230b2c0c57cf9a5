// getstackinfos in a generator sees the frames of the thread (or main program) that
// resumed it beneath its own, as sq, where generators run on their resumer's stack;
// it stops at a thread's bottom frame. Once the generator's own frames only.
function show() { for (local i = 1; i < 6; i++) { local s = getstackinfos(i); print(i + ": " + (s ? s.func + " " + s.line : "null") + "\n"); } }
function g() { show(); yield 1; }
function outer() { local x = g(); resume x; }
outer();
print("--\n");
local t = newthread(function() { show(); });
t.call();
print("--\n");
local t2 = newthread(function() { local x = g(); foreach (v in x) {} });
t2.call();
