// The device had no memory limit unless --memory-limit gave one, so firmware could hold
// megabytes an imp002 never could. Its limit is now the imp type's free memory (85 KB on
// an imp002), counted in the bytes its objects would take on the imp.
local free = imp.getmemoryfree();
server.log("starts with a little under 85 KB free: " + (free <= 85 * 1024 && free > 80 * 1024));
local kept = [];
try {
    while (true) kept.push(blob(1024));
} catch (e) {
    server.log(e + " after 70 to 85 KB: " + (kept.len() > 70 && kept.len() < 85));
}
