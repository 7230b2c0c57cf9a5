// suspend() beneath a metamethod or a native (sort's comparator, call, pcall, acall,
// map's callback), in a thread or in the main program, is sq's "cannot suspend through
// native calls/metamethods"; the thread is idle again. Once "cannot suspend the main
// thread" in the main program, and suspend.call(...), pcall and acall did suspend.
local d = {}.setdelegate({ _get = function(k) { return ::suspend(k); } });
class C { function _tostring() { return ::suspend("ts"); } function _add(o) { return ::suspend("add"); } }
local cases = {
  get = function() { return d.key; },
  tostring = function() { return C().tostring(); },
  add = function() { return C() + 1; },
  sort = function() { local a = [2, 1]; a.sort(function(x, y) { ::suspend(0); return x <=> y; }); return a[0]; },
  call = function() { return ::suspend.call(this, "c"); },
  pcall = function() { return ::suspend.pcall(this, "p"); },
  acall = function() { return ::suspend.acall([this, "a"]); },
  map = function() { return [1].map(function(x) { return ::suspend(x); })[0]; },
};
foreach (name in ["get", "tostring", "add", "sort", "call", "pcall", "acall", "map"]) {
  local f = cases[name];
  local t = newthread(f);
  try { print(name + " thread: " + t.call() + " " + t.getstatus() + "\n"); } catch (e) { print(name + " thread: " + e + " " + t.getstatus() + "\n"); }
  try { print(name + " main: " + f() + "\n"); } catch (e) { print(name + " main: " + e + "\n"); }
}
