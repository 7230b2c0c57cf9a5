// A Squirrel restart in the middle of a background WiFi scan ends the scan (the next
// one may start) and drops the callback; the restarted code has not enabled USB, so
// a device plugged in then goes unreported until it does.
server.log("boot, reason " + hardware.wakereason());
if (hardware.wakereason() == WAKEREASON_POWER_ON) {
    hardware.usb.configure(function(event, details) { server.log("never: the old code's USB callback"); });
    imp.scanwifinetworks(function(networks) { server.log("never: the old code's scan callback"); });
    imp.wakeup(1, function() { throw "restart mid-scan"; });
} else {
    imp.wakeup(4, function() {
        imp.scanwifinetworks(function(networks) { server.log("a new scan found " + networks.len()); });
        hardware.usb.configure(function(event, details) { server.log("USB event " + event + " for " + details.descriptors.product); });
    });
}
