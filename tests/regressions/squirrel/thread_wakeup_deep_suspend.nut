// Waking a thread that suspended below its own function once panicked (index out of
// bounds in unwind): the run of a woken thread starts at its bottom frame. Found by
// the mutation fuzzer. Pinned for the error, not for what call() returns: sq returns its
// root table from a bare suspend() (item 10 of the thread differences, still open).
function deep(n) { if (n == 0) return suspend(); deep(n - 1) + _get }
local t3 = newthread(function() { deep(5) })
print(t3.call() + "\n")
(t3.wakeup() )
