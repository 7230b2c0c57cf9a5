// A motion logger on an ST LIS3DH accelerometer: it checks the part, samples X, Y and
// Z at 10 Hz at 12 bits, and at each data-ready interrupt (the part's INT1 on pinW)
// reads the axes in milli-g and sends them to its agent.
//
// The register protocol, from ST's LIS3DH datasheet: an I2C write of a register
// number sets the part's register pointer, and a read returns that register.
// Electric Imp's own driver is the LIS3DH library; this is a small one of our own, to
// show the protocol and how tests play the part (see tests/).

const LIS3DH_ADDRESS = 0x32;   // 8-bit I2C address (SA0 high)
const LIS3DH_ID = 0x33;        // what WHO_AM_I reads
const REG_WHO_AM_I = 0x0F;
const REG_CTRL1 = 0x20;        // ODR (bits 7-4), low power (3), Z, Y, X enable (2-0)
const REG_CTRL3 = 0x22;        // I1_ZYXDA (bit 4): data ready on INT1
const REG_CTRL4 = 0x23;        // full scale (bits 5-4, 0 = 2 g), HR (bit 3): 12 bits
const REG_OUT_X_L = 0x28;      // X, Y, Z: low then high byte, left-justified

i2c <- hardware.i2c0;
interrupt <- hardware.pinW;
lastSample <- null;

function writeRegister(register, value) {
    return i2c.write(LIS3DH_ADDRESS, format("%c%c", register, value));
}

function readRegister(register) {
    local byte = i2c.read(LIS3DH_ADDRESS, format("%c", register), 1);
    return byte == null ? null : byte[0];
}

// Configures the part; "" when it runs, else why it does not.
function startAccelerometer() {
    i2c.configure(CLOCK_SPEED_400_KHZ);
    local id = readRegister(REG_WHO_AM_I);
    if (id == null) return "no accelerometer (i2c error " + i2c.readerror() + ")";
    if (id != LIS3DH_ID) return format("part 0x%02X is not a LIS3DH", id);
    writeRegister(REG_CTRL4, 0x08);    // 2 g full scale, high resolution: 1 mg per digit
    writeRegister(REG_CTRL3, 0x10);    // data ready on INT1
    writeRegister(REG_CTRL1, 0x27);    // 10 Hz, X, Y and Z on
    interrupt.configure(DIGITAL_IN, onDataReady);
    return "";
}

// One axis in milli-g: 12 bits of two's complement at the top of 16.
function readAxis(register) {
    local low = readRegister(register);
    local high = readRegister(register + 1);
    if (low == null || high == null) return null;
    return ((high << 24) | (low << 16)) >> 20;
}

// { x, y, z } in milli-g, or null when the part does not answer.
function readAcceleration() {
    local sample = {};
    foreach (i, axis in ["x", "y", "z"]) {
        local value = readAxis(REG_OUT_X_L + 2 * i);
        if (value == null) return null;
        sample[axis] <- value;
    }
    return sample;
}

function onDataReady() {
    if (interrupt.read() == 0) return;
    local sample = readAcceleration();
    if (sample != null) {
        lastSample = sample;
        agent.send("acceleration", sample);
    }
}

local why = startAccelerometer();
if (why != "") server.error(why);
