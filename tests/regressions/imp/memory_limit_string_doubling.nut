// The imp profile, as the squirrel one: `s += s` passed a 100 KB limit by gigabytes.
local s = "x";
try { while (true) s += s; } catch (e) server.log(e + ", " + (s.len() < 100000));
