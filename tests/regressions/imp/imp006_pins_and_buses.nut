// The imp006's three pin groups and seven UARTs, four SPI buses and three I2C buses,
// as its pin mux page names them; a name from another type is not there.
local counts = { pins = 0, uarts = 0, spi = 0, i2c = 0 };
foreach (name, object in hardware) {
    if (name.find("pin") == 0) counts.pins++;
    else if (name.find("uart") == 0) counts.uarts++;
    else if (name.find("spiflash") == 0) continue;
    else if (name.find("spi") == 0) counts.spi++;
    else if (name.find("i2c") == 0) counts.i2c++;
}
server.log(format("%s: %d pins, %d UARTs, %d SPI, %d I2C", imp.info().type, counts.pins, counts.uarts, counts.spi, counts.i2c));
foreach (name in ["pinXW", "pinYN", "pinYP", "pinXE", "uartYJKLM", "spiXTUVW", "i2cTU", "i2c89", "uart0", "sampler", "usb"]) {
    server.log(name + (name in hardware ? " yes" : " no"));
}
hardware.uartXEFGH.configure(115200, 8, PARITY_NONE, 1, NO_CTSRTS);
hardware.uartXEFGH.write("AT\r\n");
hardware.pinXA.configure(DIGITAL_OUT, 1);
server.log("pinXA reads " + hardware.pinXA.read() + ", voltage " + hardware.voltage());
// Its wake pins are V and W ("Wake An imp From Deep Sleep"); no other pin wakes it.
hardware.pinV.configure(DIGITAL_IN_WAKEUP);
try { hardware.pinA.configure(DIGITAL_IN_WAKEUP); } catch (e) { server.log(e); }
