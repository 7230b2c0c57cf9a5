// Async tests: a returned promise decides, within the timeout (10 s here).
class AsyncTest extends ImpTestCase {
    function testResolvesLater() {
        return Promise(function(resolve, reject) {
            imp.wakeup(1, function() { resolve("resolved after 1 s"); });
        });
    }

    function testRejectsLater() {
        return Promise(function(resolve, reject) {
            imp.wakeup(1, function() { reject("rejected after 1 s"); });
        });
    }

    function testNeverSettles() {
        return Promise(function(resolve, reject) {});
    }

    function testThrowsInThen() {
        return Promise.resolve(1).then(function(value) { throw "thrown in then"; });
    }

    function testAssertionInCallbackFails() {
        return Promise(function(resolve, reject) {
            imp.wakeup(0.5, function() {
                try {
                    assertEqual(1, 2);
                    resolve();
                } catch (e) {
                    reject(e);
                }
            }.bindenv(this));
        }.bindenv(this));
    }

    function testSyncThrowFails() {
        local table = {};
        return table.missing;
    }

    function testTooSlowSyncFails() {
        imp.sleep(11);
    }
}
