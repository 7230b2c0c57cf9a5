// The error handler hears of an error that leaves a thread, and again if it leaves the
// main program's run, as sq, where each thread is a VM of its own; of an error a
// generator raises only if nothing catches it (the generator runs on its resumer's
// stack). Once: once for a thread's error, and also for a generator's caught error.
seterrorhandler(function(e) { print("handler: " + e + "\n"); });
function g() { yield 1; throw "in gen"; }
local x = g(); resume x;
try { resume x; } catch (e) { print("caught " + e + "\n"); }
try { foreach (v in g()) print(v + "\n"); } catch (e) { print("caught " + e + "\n"); }
local t = newthread(function() { suspend(1); throw "in thread"; });
t.call();
try { t.wakeup(); } catch (e) { print("caught " + e + "\n"); }
local quiet = newthread(function() { suspend(1); return 2; });
quiet.call();
print(quiet.wakeupthrow("quietly", false) + "\n");
local u = newthread(function() { throw "uncaught"; });
u.call();
print("not reached\n");
