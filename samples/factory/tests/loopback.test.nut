// The DUT's loop-back test (pinA driving pinB through the jig) on good and faulty jigs.

class LoopbackTest extends ImpTestCase {

    function testWiredJigPasses() {
        assertEqual(null, testLoopback());
    }

    function testBootDroveTheLoopPattern() {
        // At boot the firmware's own run wrote 1, 0, 1 on pinA after configuring it low.
        local levels = testbench.trace("pinA").map(function(change) { return change[1]; });
        assertDeepEqual([0.0, 1.0, 0.0, 1.0], levels.len() > 4 ? levels.slice(0, 4) : levels);
    }

    function testStuckHighPinIsCaught() {
        testbench.stick("pinB", 1);
        local failure = testLoopback();
        testbench.stick("pinB", null);
        assertEqual("pinB does not follow pinA (wrote 0)", failure);
    }

    function testStuckLowPinIsCaught() {
        testbench.stick("pinB", 0);
        local failure = testLoopback();
        testbench.stick("pinB", null);
        assertEqual("pinB does not follow pinA (wrote 1)", failure);
    }
}
