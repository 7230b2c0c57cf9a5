-- strbuild.lua - same workload as strbuild.nut.
local names = { "sensor", "Relay", "pump", "VALVE", "heater", "Fan", "door", "Light" }
local hex = "0123456789abcdef"
local N = 300000
local h, total, found = 0, 0, 0
for i = 0, N - 1 do
    local name = names[i % 8 + 1]
    local row = name:upper() .. "," .. i .. "," .. (i * 37 % 1000) .. "," .. name:lower() .. "-" .. (i % 17)
    local c1 = row:find(",", 1, true)
    local c2 = row:find(",", c1 + 1, true)
    local field = row:sub(c1 + 1, c2 - 1)
    if math.tointeger(tonumber(field)) ~= i then error("bad field") end
    if row:find("-1", 1, true) then found = found + 1 end
    local rev = ""
    for j = #name, 1, -1 do rev = rev .. string.char(name:byte(j)) end
    local dump = ""
    for j = 0, 3 do
        local b = (i >> (j * 4)) & 0xff
        dump = dump .. hex:sub((b >> 4) + 1, (b >> 4) + 1) .. hex:sub((b & 15) + 1, (b & 15) + 1) .. " "
    end
    local line = "[" .. rev .. "] " .. dump .. row
    total = total + #line
    h = (h * 33 + line:byte(#line // 3 + 1) + #line) & 0xffffffff
end
io.write(string.format("total=%d found=%d hash=%d\n", total, found, h))
