// sensor.agent.nut - the agent of sensor.device.nut: checks each frame's CRC,
// keeps running statistics and answers with a new threshold.
local frames = 0, bad = 0, mean = 0, peak = 0;

function crc16(b, n) {
    local crc = 0xFFFF;
    for (local i = 0; i < n; i++) {
        crc = crc ^ (b[i] << 8);
        for (local k = 0; k < 8; k++) crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
    }
    return crc;
}

device.on("frame", function(msg) {
    local data = msg.data;
    local n = data.len() - 2;
    data.seek(n);
    if (crc16(data, n) != data.readn('w')) bad++;
    data.seek(0);
    local m = 0, sum = 0;
    for (local i = 0; i < n; i += 2) {
        local v = data.readn('w');
        sum += v;
        if (v > m) m = v;
    }
    if (m > peak) peak = m;
    mean = sum / (n / 2);
    frames++;
    device.send("ack", { seq = msg.seq, threshold = 20000 + (frames * 97) % 20000 });
    if (frames % 60 == 0) server.log(format("agent: frames=%d bad=%d mean=%d peak=%d", frames, bad, mean, peak));
});
