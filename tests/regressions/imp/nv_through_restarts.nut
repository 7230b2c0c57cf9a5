// nv lasts while the imp is powered: through a restart after an error and through deep
// sleep, not through a cold boot. One that is too big, or holds a function, is not
// kept (and the log says why).
server.log("boot, reason " + hardware.wakereason() + ", nv " + ("nv" in getroottable() ? nv.count : "absent"));
if (!("nv" in getroottable())) nv <- { count = 0 };
nv.count++;
if (nv.count == 1) imp.wakeup(1, function() { throw "boom"; });
else if (nv.count == 2) imp.onidle(@() imp.deepsleepfor(5));
else if (nv.count == 3) {
    nv.big <- blob(5000);
    imp.wakeup(1, function() { throw "too big to keep"; });
}
