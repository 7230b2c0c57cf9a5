// Waking a thread that suspended below its own function once panicked (index out of
// bounds in unwind): the run of a woken thread starts at its bottom frame. Found by
// the mutation fuzzer. A bare suspend() suspends with its `this`, here the root table.
function deep(n) { if (n == 0) return suspend(); deep(n - 1) + _get }
local t3 = newthread(function() { deep(5) })
local r = t3.call()
print(typeof r + " " + (r == getroottable()) + "\n")
(t3.wakeup() )
