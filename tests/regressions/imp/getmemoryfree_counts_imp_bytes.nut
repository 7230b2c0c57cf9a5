// `imp.getmemoryfree()` fell by impish's 64-bit bytes (16 per array slot, and garbage
// until a collection); it falls by what the imp would allocate, and rises again when
// the firmware lets go.
local before = imp.getmemoryfree();
local held = array(1000, 0);
local holding = imp.getmemoryfree();
held = null;
local after = imp.getmemoryfree();
server.log("1000 slots take 8 KB: " + (before - holding >= 8000 && before - holding < 8200));
server.log("all of it back: " + (after - holding >= 8000 && after - holding < 8200));
