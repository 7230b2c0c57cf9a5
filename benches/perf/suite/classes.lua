-- classes.lua - same workload as classes.nut, with metatables for classes and
-- metamethods (__lt for _cmp, __index/__newindex for _get/_set).
local Vec = {}
Vec.__index = Vec
local function V(a, b) return setmetatable({ x = a, y = b }, Vec) end
Vec.__add = function(a, o) return V(a.x + o.x, a.y + o.y) end
Vec.__sub = function(a, o) return V(a.x - o.x, a.y - o.y) end
Vec.__mul = function(a, k) return V(a.x * k, a.y * k) end
Vec.__unm = function(a) return V(-a.x, -a.y) end
Vec.__lt = function(a, o) return a.x * a.x + a.y * a.y < o.x * o.x + o.y * o.y end
Vec.__tostring = function(a) return "(" .. a.x .. "," .. a.y .. ")" end

local Shape = {}
Shape.__index = Shape
function Shape.init(self, o) self.origin = o end
function Shape:area() return 0 end
function Shape:describe() return "shape@" .. tostring(self.origin) end
function Shape:moved(d) self.origin = self.origin + d; return self end

local Rect = setmetatable({}, { __index = Shape })
Rect.__index = Rect
function Rect.init(self, o, a, b) Shape.init(self, o); self.w = a; self.h = b end
function Rect.new(o, a, b) local s = setmetatable({}, Rect); Rect.init(s, o, a, b); return s end
function Rect:area() return self.w * self.h end
function Rect:describe() return "rect " .. Shape.describe(self) end

local Square = setmetatable({}, { __index = Rect })
Square.__index = Square
function Square.new(o, s) local q = setmetatable({}, Square); Rect.init(q, o, s, s); return q end
function Square:describe() return "square " .. Rect.describe(self) end

local Circle = setmetatable({}, { __index = Shape })
Circle.__index = Circle
function Circle.new(o, r) local c = setmetatable({}, Circle); Shape.init(c, o); c.r = r; return c end
function Circle:area() return self.r * self.r * 355 // 113 end

local function is_rect(s)
    local m = getmetatable(s)
    return m == Rect or m == Square
end

local Registers = {}
Registers.__index = function(self, name)
    if name == "ctrl" then return self.raw[1] end
    if name == "status" then return self.raw[2] | 0x80 end
    error("no member " .. name)
end
Registers.__newindex = function(self, name, v)
    if name == "ctrl" then self.raw[1] = v & 0xFF; return end
    error("no member " .. name)
end
local function new_registers()
    local raw = {}
    for i = 1, 8 do raw[i] = 0 end
    return setmetatable({ raw = raw }, Registers)
end

local N = 500000
local total, biggest, squares, text = 0, V(0, 0), 0, 0
local regs = new_registers()
for i = 0, N - 1 do
    local o = V(i % 17, i % 23)
    local s
    local kind = i % 3
    if kind == 0 then s = Rect.new(o, i % 7 + 1, i % 5 + 1)
    elseif kind == 1 then s = Square.new(o, i % 9 + 1)
    else s = Circle.new(o, i % 11 + 1) end
    s:moved(V(1, 2) * (i % 4)):moved(-V(1, 1))
    total = total + s:area()
    local d = s.origin - V(3, 4)
    if biggest < d then biggest = d end
    if is_rect(s) and s.w == s.h then squares = squares + 1 end
    if i % 64 == 0 then text = text + #s:describe() end
    regs.ctrl = i
    total = total + regs.status
end
io.write(string.format("total=%d squares=%d text=%d biggest=%s ctrl=%d\n", total, squares, text, tostring(biggest), regs.ctrl))
