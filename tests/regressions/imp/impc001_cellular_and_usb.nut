// The cellular impC001 has no WiFi calls (they were "removed from versions of impOS
// running on the impC001"), a cell interface, and a USB host port the input script
// plugs a device into.
foreach (name in ["rssi", "getbssid", "getmacaddress", "scanwifinetworks", "getpowersave", "setpowersave"]) {
    server.log("imp." + name + (name in imp ? " yes" : " no"));
}
local info = imp.net.info();
server.log("interface " + info.interface[0].type + ", imei " + info.interface[0].imei.len() + " digits, ipv4 " + ("ipv4" in info));
hardware.usb.configure(function(event, details) {
    if (event == USB_DEVICE_CONNECTED) {
        local d = details.descriptors;
        server.log(format("USB %04x:%04x %s at %.1f Mb/s", d.vendorid, d.productid, d.product, details.speed));
    } else if (event == USB_DEVICE_DISCONNECTED) {
        server.log("USB device gone");
    }
});
