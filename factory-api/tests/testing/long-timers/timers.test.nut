// Five minutes of timers: a 300 s wakeup, then 300 one-second steps of a promise loop.
class LongTimersTest extends ImpTestCase {
    function testWaitsFiveMinutes() {
        local start = hardware.millis();
        return Promise(function(resolve, reject) {
            imp.wakeup(300, function() { resolve(hardware.millis() - start); });
        });
    }

    function testStepsThroughFiveMinutes() {
        local ticks = 0;
        return Promise.loop(function() { return ticks < 300; }, function() {
            return Promise(function(resolve, reject) {
                imp.wakeup(1, function() { ticks++; resolve(ticks); });
            });
        });
    }
}
