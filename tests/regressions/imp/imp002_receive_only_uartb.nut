// The imp002's uartB is "receive-only; there is no available transmit pin": it gets
// what the part on it sends, and a write is an error. The imp002 has no spiflash.
local uart = hardware.uartB;
uart.configure(9600, 8, PARITY_NONE, 1, NO_CTSRTS, function() { server.log("uartB got " + uart.readstring()); });
try { uart.write("x"); } catch (e) { server.log(e); }
server.log("spiflash " + ("spiflash" in hardware) + ", pin6 " + ("pin6" in hardware));
