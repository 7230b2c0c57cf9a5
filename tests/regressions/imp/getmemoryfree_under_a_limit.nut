// `imp.getmemoryfree()` always said 65536, whatever the device held and whatever its
// limit; under a limit it reports what is left of it.
local before = imp.getmemoryfree();
local keep = array(2000, 0);
local after = imp.getmemoryfree();
server.log("under the limit: " + (before > 0 && before <= 200 * 1024) + ", dropped by the array: " + (before - after >= 2000 * 8));
