// logging.nut - format-heavy logging: log records rendered through format()
// with padded, hex, character and fixed-point conversions into a ring of recent
// lines, with a level filter and a byte count.
// Measures: format() with many conversions, %s of integers and strings, float
// formatting, string length, array ring writes.
local levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"];
local tags = ["adc", "spi", "wifi", "batt", "flash", "led"];
local ring = array(64, "");
local N = 800000;
local bytes = 0, kept = 0, h = 0;
for (local i = 0; i < N; i++) {
    local lvl = (i * 7) % 5;
    if (lvl < 1) continue;
    local ms = i * 13;
    local volts = (i % 4096) * 0.25;
    local line = format("%06d.%03d %-5s [%4s] #%05d addr=0x%08X val=%-6d v=%8.2f crc=%04x %c|%s",
        ms / 1000, ms % 1000, levels[lvl], tags[i % 6], i, i * 2654435761 & 0xFFFFFFFF,
        (i * 37) % 100000 - 50000, volts, (i * 31) & 0xFFFF, 65 + i % 26, "ok");
    ring[kept & 63] = line;
    kept++;
    bytes += line.len();
    h = (h * 31 + line[line.len() - 5]) & 0xFFFFFF;
}
print(format("kept=%d bytes=%d hash=%d\n", kept, bytes, h));
print(ring[(kept - 1) & 63] + "\n");
