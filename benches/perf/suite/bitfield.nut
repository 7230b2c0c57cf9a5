// bitfield.nut - bit-banging and bit-field packing: sensor configuration
// registers packed from fields and unpacked again, bytes shifted out MSB first
// over a simulated SPI clock/data pin pair and read back, with parity, bit
// reversal and population counts.
// Measures: shifts and masks, small-integer arithmetic, array writes as pin
// levels, function calls with several arguments.
local pins = array(2, 0);
local trace = 0;

function pin_write(p, v) {
    pins[p] = v;
    trace = (trace * 3 + p * 2 + v) & 0xFFFFFF;
}

function spi_xfer(out) {
    local back = 0;
    for (local bit = 7; bit >= 0; bit--) {
        local v = (out >> bit) & 1;
        pin_write(1, v);
        pin_write(0, 1);
        back = (back << 1) | (pins[1] ^ (bit & 1));
        pin_write(0, 0);
    }
    return back;
}

function pack(mode, gain, rate, chan, en) {
    return ((mode & 0x7) << 29) | ((gain & 0x1F) << 24) | ((rate & 0xFFF) << 12) | ((chan & 0xFF) << 4) | (en & 0xF);
}

function popcount(x) {
    local n = 0;
    while (x) { x = x & (x - 1); n++; }
    return n;
}

function reverse8(b) {
    b = ((b & 0xF0) >> 4) | ((b & 0x0F) << 4);
    b = ((b & 0xCC) >> 2) | ((b & 0x33) << 2);
    return ((b & 0xAA) >> 1) | ((b & 0x55) << 1);
}

local N = 120000;
local sum = 0, bits = 0, par = 0;
for (local i = 0; i < N; i++) {
    local reg = pack(i, i >> 3, i * 13, i * 7, i >> 1);
    local mode = (reg >> 29) & 0x7, gain = (reg >> 24) & 0x1F, rate = (reg >> 12) & 0xFFF;
    local chan = (reg >> 4) & 0xFF, en = reg & 0xF;
    if (pack(mode, gain, rate, chan, en) != reg) throw "pack mismatch";
    for (local k = 3; k >= 0; k--) {
        local byte = (reg >> (k * 8)) & 0xFF;
        local got = spi_xfer(byte);
        sum = (sum + got + reverse8(byte)) & 0xFFFFFFFF;
        local pc = popcount(byte);
        bits += pc;
        par = par ^ (pc & 1);
    }
}
print(format("sum=%d bits=%d parity=%d trace=%d\n", sum, bits, par, trace));
