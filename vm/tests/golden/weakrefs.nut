function make() { local p1 = 0, p2 = 0, p3 = 0, p4 = 0; local t = {v = 1}; return t.weakref() }
local keep = { v = 2 }
local w1 = make(), w2 = keep.weakref()
collectgarbage()
print((w1.ref() == null) + " " + w2.ref().v + "\n")
local holder = { r = keep.weakref() }
print(holder.r.v + " " + typeof holder.r + "\n")
