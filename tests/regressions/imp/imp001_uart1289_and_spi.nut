// An imp001 has the uart1289 and SPI buses its pin mux page gives it (spi189,
// spi257); what the peripheral on spi189 clocks back comes from the input script.
server.log(imp.info().type + ": " + ("uart1289" in hardware) + " " + ("spi189" in hardware) + " " + ("spi257" in hardware) + " " + ("pinA" in hardware));
local uart = hardware.uart1289;
uart.configure(9600, 8, PARITY_NONE, 1, 0, function() {
    server.log("uart1289 got " + uart.readstring());
});
local spi = hardware.spi189;
server.log("spi189 runs at " + spi.configure(CLOCK_IDLE_LOW | MSB_FIRST, 1000) + " kHz");
imp.wakeup(2, function() {
    local id = spi.writeread("\x9f\x00\x00");
    server.log(format("JEDEC ID %02x %02x %02x", id[0], id[1], id[2]));
    local b = blob(2);
    b.writen(0x0102, 'w');
    local back = spi.writeread(b);
    server.log("a blob comes back as a " + typeof back + " of " + back.len() + ": " + format("%02x %02x", back[0], back[1]));
    server.log("write sent " + spi.write("\x01\x02\x03") + " bytes; readstring(2) " + spi.readstring(2).len() + ", readblob(3) " + spi.readblob(3).len());
    try { spi.chipselect(1); } catch (e) { server.log(e); }
    spi.disable();
    try { spi.write("x"); } catch (e) { server.log(e); }
});
