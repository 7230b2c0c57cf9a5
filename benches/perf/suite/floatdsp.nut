// floatdsp.nut - floating-point DSP: a two-tone signal through a biquad
// low-pass and a biquad high-pass (direct form I), a one-pole envelope follower
// and an RMS meter, with zero-crossing counts. Results are printed coarsely,
// since the reference's floats are 32-bit and Lua's are 64-bit.
// Measures: float multiply-add, math.sin, float/integer mixing, comparisons.
class Biquad {
    b0 = 0.0; b1 = 0.0; b2 = 0.0; a1 = 0.0; a2 = 0.0;
    x1 = 0.0; x2 = 0.0; y1 = 0.0; y2 = 0.0;
    constructor(c0, c1, c2, d1, d2) { b0 = c0; b1 = c1; b2 = c2; a1 = d1; a2 = d2; }
    function step(x) {
        local y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1; x1 = x; y2 = y1; y1 = y;
        return y;
    }
}

local lp = Biquad(0.0675, 0.1349, 0.0675, -1.1430, 0.4128);
local hp = Biquad(0.6389, -1.2779, 0.6389, -1.1430, 0.4128);
local N = 1000000;
local env = 0.0, sumsq_lp = 0.0, sumsq_hp = 0.0, peak = 0.0;
local zc_lp = 0, zc_hp = 0, prev_lp = 0.0, prev_hp = 0.0, loud = 0;
for (local i = 0; i < N; i++) {
    local t = (i % 160) / 8000.0;
    local x = 0.6 * sin(2 * PI * 50 * t) + 0.3 * sin(2 * PI * 2500 * t);
    local a = lp.step(x);
    local b = hp.step(x);
    sumsq_lp += a * a;
    sumsq_hp += b * b;
    if ((a >= 0) != (prev_lp >= 0)) zc_lp++;
    if ((b >= 0) != (prev_hp >= 0)) zc_hp++;
    prev_lp = a; prev_hp = b;
    local mag = fabs(a);
    env += (mag > env ? 0.1 : 0.001) * (mag - env);
    if (env > peak) peak = env;
    if (env > 0.5) loud++;
}
print(format("zc_lp=%d zc_hp=%d rms_lp=%.2f rms_hp=%.2f peak=%.2f loud=%d\n",
    zc_lp, zc_hp, sqrt(sumsq_lp / N), sqrt(sumsq_hp / N), peak, loud / 100));
