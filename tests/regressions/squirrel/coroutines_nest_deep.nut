// Coroutines a script switches to itself run in the dispatch loop, not beneath it in
// Rust: once each was a nested run, a catchable "Native stack overflow" after 100 (12 in
// a debug build). Generators each resuming the next, or iterating it with foreach, and
// threads calling threads, each waking the next once it suspended, 1,000 deep here (GC
// stress makes deeper ones slow); vm/tests/nested_runs.rs goes 100,000 deep, as sq
// does for generators (sq's threads crash, out of C stack, before 100,000).
function nest(d) { if (d > 0) { local inner = nest(d - 1); yield (resume inner) + 1 } else yield d }
print(resume nest(1000)); print("\n")
function iterate(d) { if (d > 0) { foreach (x in iterate(d - 1)) yield x + 1 } else { yield 0; yield 0 } }
local sum = 0
foreach (x in iterate(1000)) sum += x
print(sum + "\n")
function run(n) { return n == 0 ? 0 : newthread(run).call(n - 1) + 1 }
print(run(1000) + "\n")
function sleeper(n) {
  if (n == 0) return suspend(-1) * 2
  local t = newthread(sleeper)
  local first = t.call(n - 1)
  local woken = suspend(first - 1)
  return t.wakeup(woken) + 1
}
local top = newthread(sleeper)
print(top.call(1000) + "\n")
print(top.wakeup(5) + " " + top.getstatus() + "\n")
