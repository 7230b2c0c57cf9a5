// The WiFi calls read the networks in range (input script lines) and the link to the
// server: offline, imp.rssi() is 0, imp.getbssid() twelve zeros and imp.net.info() has
// "lasterror" instead of "active" and "ipv4". What the device saw offline is logged
// once it is back.
local seen = [];
function describe(when) {
    local info = imp.net.info();
    local wifi = info.interface[0];
    return format("%s: rssi %d, bssid %s, active %s, ipv4 %s, lasterror %s, ssid %s",
        when, imp.rssi(), imp.getbssid(), ("active" in info) + "", ("ipv4" in info) + "",
        ("lasterror" in info) + "", wifi.ssid);
}
function scan() {
    local t = hardware.millis();
    local networks = imp.scanwifinetworks();
    server.log("a scan takes " + (hardware.millis() - t) + " ms and finds " + networks.len() + " networks");
    foreach (n in networks) server.log(format("  %s %s ch %d %d dBm%s", n.ssid, n.bssid, n.channel, n.rssi, n.open ? " open" : ""));
}
imp.setpowersave(true);
server.log("power save " + imp.getpowersave());
server.setsendtimeoutpolicy(RETURN_ON_ERROR, WAIT_TIL_SENT, 10);
imp.onidle(function() {
    server.log(describe("online"));
    scan();
});
imp.wakeup(12, function() {
    seen.push(describe("offline"));
    imp.scanwifinetworks(function(networks) {
        seen.push(hardware.millis() + " ms: a background scan found " + networks.len() + " networks");
    });
    try { imp.scanwifinetworks(function(n) {}); } catch (e) { seen.push(e); }
});
imp.wakeup(30, function() {
    foreach (line in seen) server.log(line);
    server.log(describe("back"));
    scan();
});
