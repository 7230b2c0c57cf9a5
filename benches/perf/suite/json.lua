-- json.lua - same workload as json.nut. Arrays carry a metatable marker, and a
-- sentinel stands for JSON null (Lua tables cannot hold nil).
local ARRAY = {}
local NULL = setmetatable({}, { __name = "null" })
local function arr(t) return setmetatable(t, ARRAY) end

local function esc(s)
    local out, start, n = "", 1, #s
    for i = 1, n do
        local c = s:byte(i)
        if c == 34 or c == 92 then
            out = out .. s:sub(start, i - 1) .. "\\" .. string.char(c)
            start = i + 1
        elseif c == 10 then
            out = out .. s:sub(start, i - 1) .. "\\n"
            start = i + 1
        end
    end
    return out .. s:sub(start)
end

local encode
encode = function(v)
    local t = type(v)
    if v == NULL then return "null" end
    if t == "table" then
        if getmetatable(v) == ARRAY then
            local out = "["
            for i = 1, #v do
                if i > 1 then out = out .. "," end
                out = out .. encode(v[i])
            end
            return out .. "]"
        end
        local keys = {}
        for k in pairs(v) do keys[#keys + 1] = k end
        table.sort(keys)
        local out = "{"
        for i, k in ipairs(keys) do
            if i > 1 then out = out .. "," end
            out = out .. "\"" .. esc(k) .. "\":" .. encode(v[k])
        end
        return out .. "}"
    elseif t == "string" then return "\"" .. esc(v) .. "\""
    elseif t == "number" then return tostring(v)
    elseif t == "boolean" then return v and "true" or "false"
    end
    error("cannot encode " .. t)
end

local Parser = {}
Parser.__index = Parser
function Parser.new(text) return setmetatable({ s = text, pos = 1 }, Parser) end
function Parser:value()
    local s = self.s
    local c = s:byte(self.pos)
    if c == 123 then -- {
        self.pos = self.pos + 1
        local t = {}
        if s:byte(self.pos) == 125 then self.pos = self.pos + 1; return t end
        while true do
            local k = self:str()
            self.pos = self.pos + 1
            t[k] = self:value()
            local d = s:byte(self.pos); self.pos = self.pos + 1
            if d == 125 then return t end
        end
    end
    if c == 91 then -- [
        self.pos = self.pos + 1
        local a = arr({})
        if s:byte(self.pos) == 93 then self.pos = self.pos + 1; return a end
        while true do
            a[#a + 1] = self:value()
            local d = s:byte(self.pos); self.pos = self.pos + 1
            if d == 93 then return a end
        end
    end
    if c == 34 then return self:str() end
    if c == 116 then self.pos = self.pos + 4; return true end
    if c == 102 then self.pos = self.pos + 5; return false end
    if c == 110 then self.pos = self.pos + 4; return NULL end
    local start = self.pos
    if c == 45 then self.pos = self.pos + 1 end
    while self.pos <= #s do
        local d = s:byte(self.pos)
        if d < 48 or d > 57 then break end
        self.pos = self.pos + 1
    end
    return math.tointeger(tonumber(s:sub(start, self.pos - 1)))
end
function Parser:str()
    local s = self.s
    self.pos = self.pos + 1
    local out, start = "", self.pos
    while true do
        local c = s:byte(self.pos)
        if c == 34 then break end
        if c == 92 then
            local e = s:byte(self.pos + 1)
            out = out .. s:sub(start, self.pos - 1) .. (e == 110 and "\n" or string.char(e))
            self.pos = self.pos + 2
            start = self.pos
        else
            self.pos = self.pos + 1
        end
    end
    out = out .. s:sub(start, self.pos - 1)
    self.pos = self.pos + 1
    return out
end

local function record(i)
    return {
        id = i,
        name = "dev-" .. i,
        tags = arr({ "alpha", "q\"uote", "line\nbreak", "back\\slash" }),
        reading = { temp = i * 7 % 100 - 20, ok = i % 3 ~= 0, raw = arr({ i, i * 2, -i * 3 }) },
        owner = NULL,
        empty = arr({}),
    }
end

local N = 3000
local total, check = 0, 0
for i = 0, N - 1 do
    local items = arr({})
    for j = 0, 5 do items[#items + 1] = record(i * 6 + j) end
    local doc = { batch = i, items = items, meta = { source = "line " .. (i % 5), count = 6, nested = { deep = { deeper = arr({ 1, arr({ 2, arr({ 3 }) }) }) } } } }
    local text = encode(doc)
    local again = encode(Parser.new(text):value())
    if again ~= text then error("round trip differs at " .. i) end
    total = total + #text
    check = (check * 31 + text:byte(#text // 2 + 1)) & 0xffffff
end
io.write(total .. " " .. check .. "\n")
io.write(encode(record(7)) .. "\n")
