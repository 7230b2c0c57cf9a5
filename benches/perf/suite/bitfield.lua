-- bitfield.lua - same workload as bitfield.nut.
local pins = { [0] = 0, 0 }
local trace = 0

local function pin_write(p, v)
    pins[p] = v
    trace = (trace * 3 + p * 2 + v) & 0xFFFFFF
end

local function spi_xfer(out)
    local back = 0
    for bit = 7, 0, -1 do
        local v = (out >> bit) & 1
        pin_write(1, v)
        pin_write(0, 1)
        back = (back << 1) | (pins[1] ~ (bit & 1))
        pin_write(0, 0)
    end
    return back
end

local function pack(mode, gain, rate, chan, en)
    return ((mode & 0x7) << 29) | ((gain & 0x1F) << 24) | ((rate & 0xFFF) << 12) | ((chan & 0xFF) << 4) | (en & 0xF)
end

local function popcount(x)
    local n = 0
    while x ~= 0 do x = x & (x - 1); n = n + 1 end
    return n
end

local function reverse8(b)
    b = ((b & 0xF0) >> 4) | ((b & 0x0F) << 4)
    b = ((b & 0xCC) >> 2) | ((b & 0x33) << 2)
    return ((b & 0xAA) >> 1) | ((b & 0x55) << 1)
end

local N = 120000
local sum, bits, par = 0, 0, 0
for i = 0, N - 1 do
    local reg = pack(i, i >> 3, i * 13, i * 7, i >> 1)
    local mode, gain, rate = (reg >> 29) & 0x7, (reg >> 24) & 0x1F, (reg >> 12) & 0xFFF
    local chan, en = (reg >> 4) & 0xFF, reg & 0xF
    if pack(mode, gain, rate, chan, en) ~= reg then error("pack mismatch") end
    for k = 3, 0, -1 do
        local byte = (reg >> (k * 8)) & 0xFF
        local got = spi_xfer(byte)
        sum = (sum + got + reverse8(byte)) & 0xFFFFFFFF
        local pc = popcount(byte)
        bits = bits + pc
        par = par ~ (pc & 1)
    end
end
io.write(string.format("sum=%d bits=%d parity=%d trace=%d\n", sum, bits, par, trace))
