// The imp005: i2c0, spi0 and uart0-2 on dedicated pins beside i2cJK and spiBCAD, no
// hardware.voltage() ("not implemented on the imp005"), WiFi and Ethernet interfaces.
foreach (name in ["i2c0", "i2cJK", "spi0", "spiBCAD", "uart0", "uart1", "uart2", "pinXE", "pinX", "pinI", "voltage", "lightlevel", "sampler", "usb"]) {
    server.log(name + (name in hardware ? " yes" : " no"));
}
imp.onidle(function() {
    foreach (i, interface in imp.net.info().interface) {
        server.log(i + ": " + interface.type + " " + interface.macaddress);
    }
});
// "The imp005 does not support Deep Sleep, or wake pin usage".
try { hardware.pinW.configure(DIGITAL_IN_WAKEUP); } catch (e) { server.log(e); }
