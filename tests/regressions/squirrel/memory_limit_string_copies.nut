// `toupper`, `tolower` and `split` copied a string past the limit.
local s = "abcdefghij";
while (s.len() < 200000) s += s;
try { local u = s.toupper(); local l = s.tolower(); local x = s.toupper(); } catch (e) print("case: " + e + "\n");
local t = ",";
while (t.len() < 100000) t += t;
try { split(t, ","); } catch (e) print("split: " + e + "\n");
