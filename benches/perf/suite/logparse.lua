-- logparse.lua - same workload as logparse.nut, with Lua patterns for the
-- regular expressions (alternation as two plain finds).
local levels = { "INFO", "WARN", "ERROR", "DEBUG" }
local modules = { "wifi", "sensor", "flash", "power", "uart", "i2c" }
local words = { "link", "up", "down", "retry", "timeout", "ok", "refused", "sample", "write", "read" }

local seed = 7
local function rnd(n)
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return (seed >> 8) % n
end

local lines = {}
for i = 0, 399 do
    local msg = words[rnd(10) + 1] .. " " .. words[rnd(10) + 1] .. " code=" .. rnd(500) .. " n=" .. i .. " " .. words[rnd(10) + 1]
    local day, h, mi, s, ms = 1 + rnd(28), rnd(24), rnd(60), rnd(60), rnd(1000)
    local lvl, mod = levels[rnd(4) + 1], modules[rnd(6) + 1]
    lines[#lines + 1] = string.format("2026-12-%02d T%02d:%02d:%02d.%03d [%s] %s: %s", day, h, mi, s, ms, lvl, mod, msg)
end

local line_pat = "^(%d+)-(%d+)-(%d+) T(%d+):(%d+):(%d+)%.(%d+) %[(%u+)%] ([%l%d]+): (.*)$"
local kv_pat = "^(%l+)=(%d+)$"

local function split(s)
    local out = {}
    for w in s:gmatch("[^ ]+") do out[#out + 1] = w end
    return out
end

local per_level, per_module = {}, {}
local codes, stamps, bad, kvs, wordcount = 0, 0, 0, 0, 0
local ROUNDS = 400
for round = 1, ROUNDS do
    for _, line in ipairs(lines) do
        local y, mo, d, h, mi, s, ms, lvl, mod, msg = line:match(line_pat)
        if not y then error("no match: " .. line) end
        per_level[lvl] = (per_level[lvl] or 0) + 1
        per_module[mod] = (per_module[mod] or 0) + 1
        stamps = stamps + math.tointeger(tonumber(h)) * 3600 + math.tointeger(tonumber(mi)) * 60 + math.tointeger(tonumber(s))
        if msg:find("timeout", 1, true) or msg:find("refused", 1, true) then bad = bad + 1 end
        for _, w in ipairs(split(msg)) do
            wordcount = wordcount + 1
            local k, v = w:match(kv_pat)
            if k then
                kvs = kvs + 1
                if k == "code" then codes = codes + math.tointeger(tonumber(v)) end
            end
        end
    end
end
io.write(string.format("lines=%d words=%d kvs=%d codes=%d stamps=%d bad=%d\n", #lines * ROUNDS, wordcount, kvs, codes, stamps, bad))
for _, l in ipairs(levels) do io.write(l .. "=" .. per_level[l] .. "\n") end
for _, m in ipairs(modules) do io.write(m .. "=" .. per_module[m] .. "\n") end
