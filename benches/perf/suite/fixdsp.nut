// fixdsp.nut - fixed-point DSP: a Q15 16-tap FIR low-pass and a Q15 first-order
// IIR over a synthetic ADC stream (triangle wave plus pseudo-random noise),
// decimated by four, with saturation and running min/max/energy.
// Measures: integer multiply and arithmetic shift, array ring buffers, modulo
// indexing, comparisons.
local taps = [-120, -310, -420, 0, 1240, 3350, 5630, 7080, 7080, 5630, 3350, 1240, 0, -420, -310, -120];
local NT = 16;
local ring = array(NT, 0);
local seed = 99;
local N = 1500000;
local head = 0, iir = 0, lo = 0, hi = 0, energy = 0, out_n = 0, clipped = 0;
for (local i = 0; i < N; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    local phase = i % 256;
    local tri = phase < 128 ? phase * 256 - 16384 : (255 - phase) * 256 - 16384;
    local x = tri + ((seed >> 16) & 0x1FFF) - 4096;
    ring[head] = x;
    head = (head + 1) % NT;
    local acc = 0;
    local k = head;
    for (local t = 0; t < NT; t++) {
        acc += taps[t] * ring[k];
        k = (k + 1) % NT;
    }
    local y = acc >> 15;
    if (y > 32767) { y = 32767; clipped++; }
    else if (y < -32768) { y = -32768; clipped++; }
    iir += ((y - iir) * 3277) >> 15;
    if ((i & 3) == 0) {
        out_n++;
        if (iir < lo) lo = iir;
        if (iir > hi) hi = iir;
        energy = (energy + ((iir * iir) >> 10)) & 0xFFFFFFFFFF;
    }
}
print(format("n=%d lo=%d hi=%d energy=%d clipped=%d last=%d\n", out_n, lo, hi, energy, clipped, iir));
