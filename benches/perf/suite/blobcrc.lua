-- blobcrc.lua - same workload as blobcrc.nut; the blob is a table of bytes with
-- a cursor, little-endian words written and read byte by byte.
local crc_table = {}
for n = 0, 255 do
    local c = n
    for k = 1, 8 do
        if c & 1 ~= 0 then c = 0xEDB88320 ~ (c >> 1) else c = c >> 1 end
    end
    crc_table[n] = c
end

local function crc32(b, len)
    local c = 0xFFFFFFFF
    for i = 0, len - 1 do c = crc_table[(c ~ b[i]) & 0xFF] ~ (c >> 8) end
    return c ~ 0xFFFFFFFF
end

local function crc8(b, len)
    local c = 0
    for i = 0, len - 1 do
        c = c ~ b[i]
        for k = 1, 8 do
            if c & 0x80 ~= 0 then c = ((c << 1) ~ 0x07) & 0xFF else c = (c << 1) & 0xFF end
        end
    end
    return c
end

local function fletcher16(b, len)
    local s1, s2 = 0, 0
    for i = 0, len - 1 do
        s1 = (s1 + b[i]) % 255
        s2 = (s2 + s1) % 255
    end
    return (s2 << 8) | s1
end

local Blob = {}
Blob.__index = Blob
function Blob.new(n)
    local b = { pos = 0, size = n }
    for i = 0, n - 1 do b[i] = 0 end
    return setmetatable(b, Blob)
end
function Blob:seek(p) self.pos = p end
function Blob:tell() return self.pos end
function Blob:writen(v, width)
    for k = 0, width - 1 do
        self[self.pos] = (v >> (8 * k)) & 0xFF
        self.pos = self.pos + 1
    end
end
function Blob:readn(width)
    local v = 0
    for k = 0, width - 1 do
        v = v | (self[self.pos] << (8 * k))
        self.pos = self.pos + 1
    end
    if width == 4 and v >= 0x80000000 then v = v - 0x100000000 end
    return v
end

local PKT = 256
local ROUNDS = 6000
local b = Blob.new(PKT)
local acc, words = 0, 0
for r = 0, ROUNDS - 1 do
    b:seek(0)
    for i = 0, 63 do b:writen((r * 131 + i * 7) & 0xFF, 1) end
    for i = 0, 31 do b:writen((r * 977 + i * 31) & 0xFFFF, 2) end
    for i = 0, 31 do b:writen((r * 7919 + i * 104729) & 0x7FFFFFFF, 4) end
    b:seek(64)
    for i = 0, 31 do words = words + b:readn(2) end
    for i = 0, 31 do words = (words + b:readn(4)) & 0xFFFFFFFF end
    for i = 0, 63 do b[i] = b[i] ~ b[255 - i] end
    acc = (acc * 7 + crc32(b, PKT) + crc8(b, PKT) + fletcher16(b, PKT)) & 0xFFFFFFFF
end
io.write(string.format("acc=%08x words=%d tell=%d len=%d\n", acc, words, b:tell(), b.size))
