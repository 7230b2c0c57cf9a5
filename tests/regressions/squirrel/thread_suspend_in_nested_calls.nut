// suspend() called by Squirrel functions the thread's function called, one to three
// frames deep, suspends the thread: wakeup(v) returns v from that suspend() and the
// inner function goes on, returning through the others. Also errors raised after
// waking, wakeupthrow at depth, closures over suspended frames, getstackinfos of the
// thread, all as sq.
function three(x) { local w = suspend("three " + x); print("three woke with " + w + "\n"); return w * 3; }
function two(x) { local r = three(x + 1); print("two got " + r + "\n"); local w = suspend("two"); return r + w; }
function one(x) { local r = two(x + 1); print("one got " + r + "\n"); return r + 1; }
local t = newthread(function(x) { local r = one(x); print("thread got " + r + "\n"); return "end " + r; });
print(t.call(1) + " " + t.getstatus() + "\n");
print(t.wakeup(10) + " " + t.getstatus() + "\n");
print(t.wakeup(100) + " " + t.getstatus() + "\n");
// errors raised after waking, caught at different depths
function failer() { local w = suspend("f"); if (w == "boom") throw "failed after " + w; return w; }
function catcher() { try { return failer(); } catch (e) { print("caught in catcher: " + e + "\n"); return "recovered"; } }
local t2 = newthread(function() { local a = catcher(); local b = catcher(); return a + "/" + b; });
print(t2.call() + "\n");
print(t2.wakeup("boom") + "\n");
print(t2.wakeup("fine") + " " + t2.getstatus() + "\n");
local t3 = newthread(function() { return failer() + "!"; });
t3.call();
try { t3.wakeup("boom"); } catch (e) { print("caught in main: " + e + " " + t3.getstatus() + "\n"); }
// wakeupthrow at depth: caught by the inner function, or by the thread's function
local t4 = newthread(function() { try { return catcher(); } catch (e) { return "outer " + e; } });
t4.call();
print(t4.wakeupthrow("thrown") + " " + t4.getstatus() + "\n");
local t5 = newthread(function() { try { return failer(); } catch (e) { return "outer caught " + e; } });
t5.call();
print(t5.wakeupthrow("thrown") + " " + t5.getstatus() + "\n");
local t6 = newthread(function() { return failer(); });
t6.call();
print(t6.wakeupthrow("quiet", false) + " " + t6.getstatus() + "\n");
try { t6.call(); t6.wakeupthrow("loud"); } catch (e) { print("loud: " + e + " " + t6.getstatus() + "\n"); }
// a thread restarted after finishing with an error
print(t6.call() + " " + t6.getstatus() + "\n");
// locals of the suspended frames survive, closures over them too
local t7 = newthread(function() {
  local count = 0;
  local bump = function() { count++; return suspend(count); };
  bump(); bump();
  return count;
});
print(t7.call() + " " + t7.wakeup() + " " + t7.wakeup() + "\n");
// getstackinfos of a thread suspended two frames down
local t8 = newthread(function() { return one(0); });
t8.call();
for (local i = 0; i < 5; i++) { local s = t8.getstackinfos(i); print(i + ": " + (s ? s.func + " " + s.line : "null") + "\n"); }
