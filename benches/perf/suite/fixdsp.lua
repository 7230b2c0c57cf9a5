-- fixdsp.lua - same workload as fixdsp.nut; `// 32768` is Squirrel's
-- arithmetic `>> 15` (Lua's `>>` is logical).
local taps = { [0] = -120, -310, -420, 0, 1240, 3350, 5630, 7080, 7080, 5630, 3350, 1240, 0, -420, -310, -120 }
local NT = 16
local ring = {}
for i = 0, NT - 1 do ring[i] = 0 end
local seed = 99
local N = 1500000
local head, iir, lo, hi, energy, out_n, clipped = 0, 0, 0, 0, 0, 0, 0
for i = 0, N - 1 do
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    local phase = i % 256
    local tri
    if phase < 128 then tri = phase * 256 - 16384 else tri = (255 - phase) * 256 - 16384 end
    local x = tri + ((seed >> 16) & 0x1FFF) - 4096
    ring[head] = x
    head = (head + 1) % NT
    local acc = 0
    local k = head
    for t = 0, NT - 1 do
        acc = acc + taps[t] * ring[k]
        k = (k + 1) % NT
    end
    local y = acc // 32768
    if y > 32767 then y = 32767; clipped = clipped + 1
    elseif y < -32768 then y = -32768; clipped = clipped + 1 end
    iir = iir + ((y - iir) * 3277) // 32768
    if (i & 3) == 0 then
        out_n = out_n + 1
        if iir < lo then lo = iir end
        if iir > hi then hi = iir end
        energy = (energy + ((iir * iir) // 1024)) & 0xFFFFFFFFFF
    end
end
io.write(string.format("n=%d lo=%d hi=%d energy=%d clipped=%d last=%d\n", out_n, lo, hi, energy, clipped, iir))
