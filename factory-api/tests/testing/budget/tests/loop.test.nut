// A long loop in one callback: over the configured instruction budget, within the default.
class LoopTest extends ImpTestCase {
    function testLongLoop() {
        local sum = 0;
        for (local i = 0; i < 100000; i++) sum += i;
        assertEqual(704982704, sum);
    }
}
