-- recursion.lua - same workload as recursion.nut.
local function make_list(n)
    local head = nil
    for i = n, 1, -1 do head = { v = i, next = head } end
    return head
end
local function list_sum(node) if node == nil then return 0 end return node.v + list_sum(node.next) end
local function list_depth_map(node, d)
    if node == nil then return d end
    node.v = (node.v + d) & 0xFFFF
    return list_depth_map(node.next, d + 1)
end

local function tree(d)
    if d == 0 then return { l = nil, r = nil } end
    return { l = tree(d - 1), r = tree(d - 1) }
end
local function check(t) if t.l == nil then return 1 end return 1 + check(t.l) + check(t.r) end

local function tak(x, y, z)
    if y >= x then return z end
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))
end

local Eval = {}
Eval.__index = Eval
function Eval.new(text) return setmetatable({ s = text, pos = 1 }, Eval) end
function Eval:expr()
    local s = self.s
    local v = self:term()
    while self.pos <= #s and (s:byte(self.pos) == 43 or s:byte(self.pos) == 45) do
        local op = s:byte(self.pos); self.pos = self.pos + 1
        local r = self:term()
        if op == 43 then v = v + r else v = v - r end
    end
    return v
end
function Eval:term()
    local s = self.s
    local v = self:factor()
    while self.pos <= #s and s:byte(self.pos) == 42 do self.pos = self.pos + 1; v = v * self:factor() end
    return v
end
function Eval:factor()
    local s = self.s
    if s:byte(self.pos) == 40 then
        self.pos = self.pos + 1
        local v = self:expr()
        self.pos = self.pos + 1
        return v
    end
    local v = 0
    while self.pos <= #s do
        local c = s:byte(self.pos)
        if c < 48 or c > 57 then break end
        v = v * 10 + c - 48
        self.pos = self.pos + 1
    end
    return v
end
local ops = { [0] = "+", "-", "*" }
local function gen(d, k)
    if d == 0 then return tostring(k % 9 + 1) end
    return "(" .. gen(d - 1, k * 3 + 1) .. ops[k % 3] .. gen(d - 1, k * 7 + 2) .. ")"
end

local ROUNDS = 100
local total = 0
for r = 0, ROUNDS - 1 do
    local list = make_list(10000)
    total = total + list_sum(list) + list_depth_map(list, r) + list_sum(list)
    total = total + check(tree(12))
    total = total + tak(18, 12, 6 + r % 2)
    local text = gen(9, r)
    total = total + (Eval.new(text):expr() & 0xFFFFFF)
end
io.write(string.format("total=%d\n", total))
