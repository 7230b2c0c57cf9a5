// sq prints an operand in "comparison between" and "the index ... does not exist"
// as `%.50s`: 50 bytes, not 50 characters (fuzz diff signature `str.concat: error
// "comparison between '_' and '_'" | error "comparison between '_' and '_'"`).
local s = "";
for (local i = 0; i < 20; i++) s += "\u00fcber";
try { print((s >= -871) + "\n"); } catch (e) print(e + "\n");
try { print({}[s]); } catch (e) print(e + "\n");
local a = "";
for (local i = 0; i < 60; i++) a += "x";
try { print((a < 1) + "\n"); } catch (e) print(e + "\n");
