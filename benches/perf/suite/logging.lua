-- logging.lua - same workload as logging.nut.
local levels = { [0] = "TRACE", "DEBUG", "INFO", "WARN", "ERROR" }
local tags = { [0] = "adc", "spi", "wifi", "batt", "flash", "led" }
local ring = {}
for i = 0, 63 do ring[i] = "" end
local N = 800000
local bytes, kept, h = 0, 0, 0
for i = 0, N - 1 do
    local lvl = (i * 7) % 5
    if lvl >= 1 then
        local ms = i * 13
        local volts = (i % 4096) * 0.25
        local line = string.format("%06d.%03d %-5s [%4s] #%05d addr=0x%08X val=%-6d v=%8.2f crc=%04x %c|%s",
            ms // 1000, ms % 1000, levels[lvl], tags[i % 6], i, i * 2654435761 & 0xFFFFFFFF,
            (i * 37) % 100000 - 50000, volts, (i * 31) & 0xFFFF, 65 + i % 26, "ok")
        ring[kept & 63] = line
        kept = kept + 1
        bytes = bytes + #line
        h = (h * 31 + line:byte(#line - 4)) & 0xFFFFFF
    end
end
io.write(string.format("kept=%d bytes=%d hash=%d\n", kept, bytes, h))
io.write(ring[(kept - 1) & 63] .. "\n")
