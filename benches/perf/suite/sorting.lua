-- sorting.lua - same workload as sorting.nut; table.sort takes a less-than
-- predicate where Squirrel takes a three-way comparator.
local seed = 5
local function rnd(n)
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return (seed >> 8) % n
end
local prefixes = { "temp", "hum", "volt", "amp", "lux", "co2" }

local function by_group_score_id(a, b)
    if a.group ~= b.group then return a.group < b.group and -1 or 1 end
    if a.score ~= b.score then return a.score > b.score and -1 or 1 end
    if a.id < b.id then return -1 elseif a.id > b.id then return 1 else return 0 end
end

local ROUNDS = 100
local check = 0
for r = 0, ROUNDS - 1 do
    local recs, names, nums = {}, {}, {}
    for i = 0, 1999 do
        recs[#recs + 1] = { id = i, group = rnd(10), score = rnd(1000) }
        local p = prefixes[rnd(6) + 1]
        names[#names + 1] = p .. "-" .. rnd(10000) .. "-" .. i
        nums[#nums + 1] = rnd(1000000) * 2000 + i
    end
    table.sort(recs, function(a, b) return by_group_score_id(a, b) < 0 end)
    table.sort(names)
    table.sort(nums, function(a, b) return a > b end)
    for i = 2, #recs do if by_group_score_id(recs[i - 1], recs[i]) > 0 then error("unsorted") end end
    for i, rec in ipairs(recs) do check = (check * 31 + rec.id * i) & 0xFFFFFFF end
    check = (check + #names[1] + #names[2000] + names[1001]:byte(1)) & 0xFFFFFFF
    local found = 0
    for k = 1, 2000, 7 do
        local want = nums[k]
        local lo, hi = 1, #nums
        while lo <= hi do
            local mid = (lo + hi) // 2
            if nums[mid] == want then found = found + 1; break end
            if nums[mid] > want then lo = mid + 1 else hi = mid - 1 end
        end
    end
    check = (check + found + nums[1] % 1000) & 0xFFFFFFF
end
io.write(string.format("check=%d\n", check))
