// The global Promise, as the Promise library 4.x behaves.
class PromiseTest extends ImpTestCase {
    function now() { return hardware.millis() / 1000.0; }

    function later(seconds, value, fails = false) {
        return Promise(function(resolve, reject) {
            imp.wakeup(seconds, function() { (fails ? reject : resolve)(value); });
        });
    }

    function testHandlersRunAfterTheCurrentCode() {
        local order = [];
        local done = Promise.resolve(1).then(function(v) { order.push("then " + v); });
        order.push("sync");
        return done.then(function(_) { assertDeepEqual(["sync", "then 1"], order); }.bindenv(this));
    }

    function testChainPassesValuesAndAdoptsPromises() {
        return Promise.resolve(1)
            .then(function(v) { return v + 1; })
            .then(function(v) { return later(1, v * 10); }.bindenv(this))
            .then(function(v) { assertEqual(20, v); }.bindenv(this));
    }

    function testFailRecoversAndFinallySeesBoth() {
        local seen = [];
        return Promise.reject("bad")
            .then(function(v) { seen.push("skipped"); })
            .fail(function(reason) { seen.push("fail " + reason); return "recovered"; })
            .finally(function(v) { seen.push("finally " + v); })
            .then(function(_) { assertDeepEqual(["fail bad", "finally recovered"], seen); }.bindenv(this));
    }

    function testAllWaitsForEveryValueInOrder() {
        local start = now();
        return Promise.all([later(1.0, 1), function() { return later(1.5, 2); }.bindenv(this), later(0.5, 3)])
            .then(function(values) {
                assertDeepEqual([1, 2, 3], values);
                assertClose(1.5, now() - start, 0.01);
            }.bindenv(this));
    }

    function testAllRejectsWithTheFirstRejection() {
        return Promise.all([later(1, 1), later(0.5, "second", true)])
            .then(function(v) { throw "should not resolve"; }, function(reason) { assertEqual("second", reason); }.bindenv(this));
    }

    function testRaceTakesTheFirstOutcome() {
        return Promise.race([later(1, 1, true), function() { return later(1.5, 2); }.bindenv(this), function() { return later(0.5, 3, true); }.bindenv(this)])
            .then(function(v) { throw "should not resolve"; }, function(reason) { assertEqual(3, reason); }.bindenv(this));
    }

    function testLoopRunsWhileTheConditionHolds() {
        local i = 0;
        local start = now();
        return Promise.loop(function() { return i++ < 3; }, function() { return later(3, "counter is " + i); }.bindenv(this))
            .then(function(last) {
                assertEqual("counter is 3", last);
                assertClose(9, now() - start, 0.01);
            }.bindenv(this));
    }

    function testSerialStartsFunctionsInTurn() {
        local start = now();
        return Promise.serial([later(1, 1), function() { return later(1.5, 2); }.bindenv(this), later(0.5, 3)])
            .then(function(last) {
                assertEqual(3, last);
                assertClose(2.5, now() - start, 0.01);
            }.bindenv(this));
    }

    function testSerialNeedsAnArray() {
        return Promise.serial("nope").then(function(v) { throw "should not resolve"; }, function(reason) {
            assertEqual("Promise.serial() not passed an array", reason);
        }.bindenv(this));
    }
}
