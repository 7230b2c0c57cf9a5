// Coroutine switches made in the dispatch loop, at their edges, as sq: a closure over a
// local of a generator that suspended its thread; resuming or iterating a generator
// whose thread is suspended in it; wakeupthrow through nested generators; a running
// thread calling or waking itself (sq calls what tops its own stack: this call's last
// argument, or the thread); two threads waking each other; a constructor, varargs and
// tail calls in a thread's function.
local grab = null;
local t = newthread(function() {
  local g = (function() { local x = 1; grab = function() { return x++; }; yield ::suspend("in gen"); yield x; })();
  local a = resume g;
  return a + resume g;
});
print(t.call() + "\n");
print(grab() + " " + grab() + "\n");
collectgarbage();
print(grab() + "\n");
print(t.wakeup(100) + "\n");
print(grab() + "\n");
// resuming a generator of a suspended thread from outside
local gg = null;
local t2 = newthread(function() { gg = (function() { ::suspend(1); yield 2; })(); return resume gg; });
t2.call();
print(gg.getstatus() + "\n");
try { resume gg; } catch (e) { print(e + "\n"); }
try { foreach (x in gg) print(x); } catch (e) { print(e + "\n"); }
print(t2.wakeup() + " " + gg.getstatus() + "\n");
// wakeupthrow through a generator chain
local t3 = newthread(function() {
  local g = (function() { local inner = (function() { ::suspend("deep"); yield 1; })(); yield resume inner; })();
  try { return resume g; } catch (e) { return "thread caught " + e + " " + g.getstatus(); }
});
print(t3.call() + "\n");
print(t3.wakeupthrow("zap") + " " + t3.getstatus() + "\n");
// a thread calling and waking itself, and a running one
local self_t = null;
self_t = newthread(function() {
  try { self_t.call(); } catch (e) { print("self call: " + e + "\n"); }
  try { self_t.wakeup(); } catch (e) { print("self wakeup: " + e + "\n"); }
  return "done";
});
print(self_t.call() + "\n");
// ping-pong between two threads
local ping, pong;
ping = newthread(function(n) { local v = n; while (v < 10) { v = pong.wakeup(v + 1); print("ping got " + v + "\n"); } return "ping end " + v; });
pong = newthread(function() { local v = suspend("pong ready"); while (true) { print("pong got " + v + "\n"); v = suspend(v * 2); } });
print(pong.call() + "\n");
print(ping.call(1) + "\n");
print(pong.getstatus() + " " + ping.getstatus() + "\n");
// constructors, default parameters and varargs in threads
class K { v = null; constructor(x) { v = ::suspend(x) * 2; } }
local t4 = newthread(function(a, ...) { local k = K(a + 5 + vargv.len()); return k.v; });
print(t4.call(1) + "\n");
print(t4.wakeup(21) + "\n");
print(t4.call(1, 2, 3, 4) + " " + t4.wakeup(1) + "\n");
// tail calls in a thread's function
function tailgen() { yield 7; }
local t5 = newthread(function() { return tailgen(); });
local gen = t5.call();
print(typeof gen + " " + resume gen + " " + t5.getstatus() + "\n");
function tailsus(x) { return suspend(x) + 1; }
local t6 = newthread(function(x) { return tailsus(x); });
print(t6.call(3) + " " + t6.wakeup(4) + "\n");
local me;
me = newthread(function() {
  try { me.call(); } catch (e) { print("self: " + e + "\n"); }
  try { me.call(1); } catch (e) { print("self 1: " + e + "\n"); }
  try { me.call("x", 2.5); } catch (e) { print("self 2: " + e + "\n"); }
  return "t";
});
print(me.call() + "\n");
