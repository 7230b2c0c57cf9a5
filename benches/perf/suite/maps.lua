-- maps.lua - same workload as maps.nut.
local vocab = { "alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu" }
local seed = 11
local function rnd(n)
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return (seed >> 8) % n
end

local ROUNDS = 500
local check = 0
for r = 0, ROUNDS - 1 do
    local freq = {}
    for i = 0, 2999 do
        local w = vocab[rnd(12) + 1]
        if rnd(4) == 0 then w = w .. rnd(50) end
        local n = freq[w]
        if n ~= nil then freq[w] = n + 1 else freq[w] = 1 end
    end
    local distinct, most = 0, 0
    for w, n in pairs(freq) do distinct = distinct + 1; if n > most then most = n end end

    local cache = {}
    local hits, misses = 0, 0
    for i = 0, 3999 do
        local key = rnd(5000) * 7919
        if cache[key] ~= nil then hits = hits + 1; cache[key] = cache[key] + 1
        else misses = misses + 1; cache[key] = i end
        if (i & 7) == 0 then
            local gone = rnd(5000) * 7919
            if cache[gone] ~= nil then cache[gone] = nil end
        end
    end
    local csum = 0
    for k, v in pairs(cache) do csum = csum + v end

    local devices = {}
    for i = 0, 1499 do
        local dev = "dev" .. rnd(40)
        if devices[dev] == nil then devices[dev] = { temp = 0, hum = 0, count = 0 } end
        local d = devices[dev]
        d.temp = d.temp + rnd(40)
        d.hum = d.hum + rnd(100)
        d.count = d.count + 1
    end
    local dsum = 0
    for name, d in pairs(devices) do dsum = dsum + d.temp * 3 + d.hum + d.count end
    check = (check * 17 + distinct * 1000 + most + hits + misses * 3 + csum + dsum) & 0xFFFFFFFF
end
io.write(string.format("check=%d\n", check))
