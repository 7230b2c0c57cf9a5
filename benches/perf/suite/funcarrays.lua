-- funcarrays.lua - same workload as funcarrays.nut; Lua has no array methods,
-- so map/filter/reduce/slice and friends are small functions here.
local function slice(a, from, to)
    local out = {}
    to = to or #a
    for i = from + 1, to do out[#out + 1] = a[i] end
    return out
end
local function map(a, f)
    local out = {}
    for i = 1, #a do out[i] = f(a[i]) end
    return out
end
local function filter(a, f)
    local out = {}
    for i = 1, #a do if f(i - 1, a[i]) then out[#out + 1] = a[i] end end
    return out
end
local function reduce(a, f)
    local acc = a[1]
    for i = 2, #a do acc = f(acc, a[i]) end
    return acc
end
local function apply(a, f) for i = 1, #a do a[i] = f(a[i]) end end
local function extend(a, b) for i = 1, #b do a[#a + 1] = b[i] end end
local function reverse(a)
    local n = #a
    for i = 1, n // 2 do a[i], a[n + 1 - i] = a[n + 1 - i], a[i] end
end
local function find(a, v)
    for i = 1, #a do if a[i] == v then return i - 1 end end
    return nil
end

local readings = {}
for i = 0, 511 do readings[#readings + 1] = (i * 7919) % 1024 end

local ROUNDS = 8000
local check = 0
for r = 0, ROUNDS - 1 do
    local off = r % 64
    for w = 0, 7 do
        local win = slice(readings, off + w * 48, off + w * 48 + 64)
        local cal = map(win, function(v) return v * 3 + r end)
        local big = filter(cal, function(i, v) return v > 1500 end)
        local sum = #big > 0 and reduce(big, function(a, b) return a + b end) or 0
        local mx = reduce(cal, function(a, b) return a > b and a or b end)
        check = (check * 7 + sum + mx + #big) & 0xFFFFFFF
    end
    local copy = slice(readings, 0, 100)
    extend(copy, slice(readings, 400))
    reverse(copy)
    apply(copy, function(v) return v >> 1 end)
    local at = find(copy, readings[r % 100 + 1] >> 1)
    table.insert(copy, 4, r)
    table.remove(copy, 11)
    local top = table.remove(copy)
    copy[#copy + 1] = top + 1
    check = (check + #copy * 1000 + (at == nil and -1 or at) + copy[4] + copy[#copy]) & 0xFFFFFFF
end
io.write(string.format("check=%d\n", check))
