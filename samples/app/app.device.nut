// app.device.nut — the application firmware a blessed device restarts into (teaching
// sample): read the temperature once a minute and send it to the agent.

const SENSOR = 0xBE;
const TEMP_REG = "\x2A";
const PERIOD = 60;

i2c <- hardware.i2c0;
i2c.configure(CLOCK_SPEED_400_KHZ);

function readCelsius() {
    local raw = i2c.read(SENSOR, TEMP_REG, 2);
    if (raw == null) return null;
    local centi = raw[0] | (raw[1] << 8);
    if (centi & 0x8000) centi -= 0x10000;
    return centi / 100.0;
}

function sample() {
    local celsius = readCelsius();
    if (celsius == null) {
        server.error("sensor read failed: " + i2c.readerror());
    } else {
        agent.send("reading", { celsius = celsius, at = time() });
    }
    imp.wakeup(PERIOD, sample);
}

server.log("Application started on " + hardware.getdeviceid());
sample();
