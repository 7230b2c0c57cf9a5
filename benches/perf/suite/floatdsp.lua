-- floatdsp.lua - same workload as floatdsp.nut.
local Biquad = {}
Biquad.__index = Biquad
function Biquad.new(c0, c1, c2, d1, d2)
    return setmetatable({ b0 = c0, b1 = c1, b2 = c2, a1 = d1, a2 = d2, x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0 }, Biquad)
end
function Biquad:step(x)
    local y = self.b0 * x + self.b1 * self.x1 + self.b2 * self.x2 - self.a1 * self.y1 - self.a2 * self.y2
    self.x2 = self.x1; self.x1 = x; self.y2 = self.y1; self.y1 = y
    return y
end

local sin, PI, fabs, sqrt = math.sin, math.pi, math.abs, math.sqrt
local lp = Biquad.new(0.0675, 0.1349, 0.0675, -1.1430, 0.4128)
local hp = Biquad.new(0.6389, -1.2779, 0.6389, -1.1430, 0.4128)
local N = 1000000
local env, sumsq_lp, sumsq_hp, peak = 0.0, 0.0, 0.0, 0.0
local zc_lp, zc_hp, prev_lp, prev_hp, loud = 0, 0, 0.0, 0.0, 0
for i = 0, N - 1 do
    local t = (i % 160) / 8000.0
    local x = 0.6 * sin(2 * PI * 50 * t) + 0.3 * sin(2 * PI * 2500 * t)
    local a = lp:step(x)
    local b = hp:step(x)
    sumsq_lp = sumsq_lp + a * a
    sumsq_hp = sumsq_hp + b * b
    if (a >= 0) ~= (prev_lp >= 0) then zc_lp = zc_lp + 1 end
    if (b >= 0) ~= (prev_hp >= 0) then zc_hp = zc_hp + 1 end
    prev_lp = a; prev_hp = b
    local mag = fabs(a)
    env = env + (mag > env and 0.1 or 0.001) * (mag - env)
    if env > peak then peak = env end
    if env > 0.5 then loud = loud + 1 end
end
io.write(string.format("zc_lp=%d zc_hp=%d rms_lp=%.2f rms_hp=%.2f peak=%.2f loud=%d\n",
    zc_lp, zc_hp, sqrt(sumsq_lp / N), sqrt(sumsq_hp / N), peak, loud // 100))
