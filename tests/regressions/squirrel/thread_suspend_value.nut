// What suspend() suspends with, as sq: its last argument, or with none its `this` (the
// root table for a plain call; once null). And call() on a suspended thread: sq calls
// whatever tops the suspended frame's registers, which is mostly the value it suspended
// with, so it fails with "attempt to call" that value's type (once "wrong parameter").
local t = newthread(function() { return suspend(); });
local v = t.call();
print(typeof v + " " + (v == getroottable()) + "\n");
class A { function m() { return suspend(); } }
local a = A();
local t2 = newthread(function() { return a.m(); });
v = t2.call();
print(typeof v + " " + (v == a) + "\n");
local e = {x = 1};
local t3 = newthread(function() { return suspend(); }.bindenv(e));
v = t3.call();
print(typeof v + " " + (v == e) + "\n");
local t4 = newthread(function() { return ::suspend(); });
v = t4.call();
print(typeof v + " " + (v == getroottable()) + "\n");
local t5 = newthread(function() { return suspend(1, 2, 3); });
print(t5.call() + "\n");
local t6 = newthread(function() { local f = suspend; return f(); });
v = t6.call();
print(typeof v + "\n");
local t7 = newthread(function() { local x = suspend(null); return x; });
v = t7.call();
print(typeof v + "\n");
print(t7.wakeup() + "\n");
foreach (i, make in [
  function() { return newthread(function() { suspend(1); }); },
  function() { return newthread(function() { suspend("s"); }); },
  function() { return newthread(function() { suspend(); }); },
  function() { return newthread(function() { local x = suspend(null); }); },
  function() { return newthread(function() { suspend(2.5); }); },
  function() { return newthread(function() { suspend(true); }); },
]) {
  local t = make();
  t.call();
  try { t.call(); print(i + ": no error\n"); } catch (e) { print(i + ": " + e + "\n"); }
  print(t.getstatus() + "\n");
}
