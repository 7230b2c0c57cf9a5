// A closure over a local of a suspended generator (or thread) kept the local's stack
// slot, but not the generator: once nothing else referenced the generator, a collection
// freed it, and calling the closure was an internal error (access to a collected
// object). The generator, or thread, now lives as long as such a closure.
local grab = null
local g = (function() { local x = 1; grab = function() { return x++ }; yield 1; yield 2 })()
resume g
g = null
collectgarbage()
print(grab() + " " + grab() + "\n")
local peek = null
local t = newthread(function() { local y = 10; peek = function() { return y++ }; suspend(0); return y })
t.call()
t = null
collectgarbage()
print(peek() + " " + peek() + "\n")
