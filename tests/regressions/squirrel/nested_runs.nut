// Every way the interpreter runs again beneath itself in Rust once overflowed the Rust
// stack (an abort) or was unbounded: natives calling scripts (call, acall, pcall, sort
// comparators, a thread's call), metamethods (_get, _tostring). Each is now sq's
// catchable "Native stack overflow". (Coroutines a script switches to itself do not
// nest in Rust: coroutines_nest_deep.nut.)
function f(n) { return n == 0 ? 0 : f.call(this, n - 1) + 1 }
try { print(f(100000) + "\n") } catch (e) { print("call: " + e + "\n") }
function g(n) { return n == 0 ? 0 : g.acall([this, n - 1]) + 1 }
try { print(g(100000) + "\n") } catch (e) { print("acall: " + e + "\n") }
function h(n) { return n == 0 ? 0 : h.pcall(this, n - 1) + 1 }
try { print(h(100000) + "\n") } catch (e) { print("pcall: " + e + "\n") }
class T { function _tostring() { return "T" + this } }
try { print(T().tostring() + "\n") } catch (e) { print("_tostring: " + e + "\n") }
function s(n) { [2, 1].sort(function(x, y) { if (n > 0) s(n - 1); return x <=> y }); return n }
try { print(s(100000) + "\n") } catch (e) { print("sort: " + e + "\n") }
local d = {}.setdelegate({ _get = function(k) { return this[k] } })
try { print(d.x) } catch (e) { print("_get: " + e + "\n") }
function t(n) { local th = newthread(t); return n == 0 ? 0 : th.call.call(th, n - 1) + 1 }
try { print(t(100000) + "\n") } catch (e) { print("thread: " + e + "\n") }
