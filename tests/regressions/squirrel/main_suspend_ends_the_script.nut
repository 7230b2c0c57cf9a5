// suspend() in the main program's own run (not beneath a native or a metamethod) ends
// the script quietly where it stands, as sq, whose main script suspends its VM: from a
// function, from a generator, after a thread suspended. Once "cannot suspend the main
// thread", an uncaught error.
print("start\n")
function f() {
  local g = (function() { print("in the generator\n"); yield suspend(0); print("not reached\n") })()
  local t = newthread(function() { suspend(1); print("not reached\n") })
  print(t.call() + "\n")
  try { resume g } catch (e) { print("not caught: " + e + "\n") }
  print("not reached\n")
}
try { f() } catch (e) { print("not caught: " + e + "\n") }
print("not reached\n")
