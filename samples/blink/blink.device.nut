// blink.device.nut — the "hello world" of imp firmware: toggle an LED twice a
// second and log every tenth toggle. The README's first command runs it:
//   impish run samples/blink/blink.device.nut --for 10s
// The LED is the impFactory's green LED, pinE of its imp005.

const BLINK_SECONDS = 0.5;

led <- hardware.pinE;
led.configure(DIGITAL_OUT, 0);

local state = 0;
local toggles = 0;

function blink() {
    state = 1 - state;
    led.write(state);
    if (++toggles % 10 == 0) {
        server.log(format("LED toggled %d times", toggles));
    }
    imp.wakeup(BLINK_SECONDS, blink);
}

blink();
