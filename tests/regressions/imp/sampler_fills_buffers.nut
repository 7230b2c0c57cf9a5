// hardware.sampler samples an analog pin at 100 Hz into two 8-byte buffers in turn:
// 16-bit little-endian samples with 12 bits of resolution in the top bits. The level
// the input script sets at 60 ms shows from the sample taken then; stop() at 100 ms
// hands over the partly filled buffer.
local pin = hardware.pin5;
pin.configure(ANALOG_IN);
local buffers = [blob(8), blob(8)];
hardware.sampler.configure(pin, 100, buffers, function(buffer, length) {
    local samples = [];
    buffer.seek(0);
    for (local i = 0; i < length; i += 2) samples.push(format("%04x", buffer.readn('w')));
    server.log(format("%d ms: buffer %d, %d bytes: %s", hardware.millis(), buffers[0] == buffer ? 0 : 1, length, samples.reduce(@(a, b) a + " " + b)));
});
hardware.sampler.start();
imp.wakeup(0.1, function() { hardware.sampler.stop(); });
foreach (bad in [@() hardware.sampler.configure(pin, 1000, [blob(3)], @(b, l) null),
                 @() hardware.sampler.configure([], 1000, [blob(4)], @(b, l) null),
                 @() hardware.sampler.configure(pin, 1000, [blob(4)], @(b, l) null, 1)]) {
    try { bad(); } catch (e) { server.log(e); }
}
