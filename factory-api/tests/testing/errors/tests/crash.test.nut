// An uncaught error in a callback restarts the device: the running test fails and the
// session ends there.
class CrashTest extends ImpTestCase {
    function testCrashesInACallback() {
        return Promise(function(resolve, reject) {
            imp.wakeup(1, function() {
                local missing = null;
                missing.boom();
            });
        });
    }

    function testNeverRuns() {
        assertTrue(true);
    }
}
