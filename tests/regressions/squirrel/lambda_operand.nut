// A lambda as the right operand of a binary operator: its body takes the rest of the
// expression, as in the reference (once "expression expected").
local r = 1 == @(x) 1;
print(r + "\n");
local cb = null;
local f = cb || @(e) "fallback " + e;
print(typeof f + "\n");
local g = cb || @(e) e + 1 || 7;
print(g(1) + "\n");
local t = true && @() 2;
print(typeof t + "\n");
local h = 0 + @() 1 == 2;
