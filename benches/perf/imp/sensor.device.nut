// sensor.device.nut - a whole sensor firmware on the imp runtime, for
// `impish bench --profile imp --agent sensor.agent.nut sensor.device.nut --for 3600`.
// A 200 Hz timer samples an analog pin and a digital pin, filters the samples in
// fixed point, packs one-second frames into blobs with a CRC-16 and sends them to
// the agent; the agent's acknowledgements adjust the threshold, and a status line
// is logged every ten seconds.
// Measures: imp.wakeup timers, pin reads and writes, blob building, agent
// messages both ways, format()ted logging, on the virtual clock.
const RATE = 200;
const FRAME = 200;

adc <- hardware.pinA;
adc.configure(ANALOG_IN);
button <- hardware.pinB;
button.configure(DIGITAL_IN_PULLUP);
led <- hardware.pinE;
led.configure(DIGITAL_OUT, 0);

local filtered = 0;
local threshold = 30000;
local frame = blob();
local count = 0, frames = 0, acks = 0, over = 0, presses = 0, last_button = 1;

function crc16(b, n) {
    local crc = 0xFFFF;
    for (local i = 0; i < n; i++) {
        crc = crc ^ (b[i] << 8);
        for (local k = 0; k < 8; k++) crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
    }
    return crc;
}

function sample() {
    imp.wakeup(1.0 / RATE, sample);
    // The bench has no signal on the pin: a sawtooth stands for one.
    local raw = adc.read() + (frames * 7919 + count * 331) % 40000;
    filtered += ((raw - filtered) * 8192) >> 15;
    local b = button.read();
    if (b == 0 && last_button == 1) presses++;
    last_button = b;
    if (filtered > threshold) { over++; led.write(1); } else led.write(0);
    frame.writen(filtered & 0xFFFF, 'w');
    if (++count == FRAME) {
        local n = frame.tell();
        frame.writen(crc16(frame, n), 'w');
        agent.send("frame", { seq = frames, data = frame, over = over });
        frames++;
        count = 0;
        frame = blob();
    }
}

function status() {
    imp.wakeup(10, status);
    server.log(format("frames=%d acks=%d over=%d presses=%d threshold=%d mem=%d",
        frames, acks, over, presses, threshold, imp.getmemoryfree() > 0 ? 1 : 0));
}

agent.on("ack", function(msg) {
    acks++;
    threshold = msg.threshold;
});

sample();
status();
