// impUnit for `impish test`: ImpTestCase, the runner that drives it and a Promise class
// compatible with Electric Imp's Promise library 4.x. Written for impish from the
// documented behaviour of impUnit 1.x and Promise 4.x (assertion names, semantics and
// failure messages are impUnit's, so suites written for `impt test` run unchanged).
//
// The runner reports to impish through the native __impish_report(type, value), as the
// real one reports to impt through server.log. Builder reads this file: no line may
// start with an at sign, and no at sign may come before an opening brace.
//
// Callbacks capture `self` (a strong reference) rather than use bindenv: a promise or
// a runner that only a pending timer knows must stay alive until the timer fires.

function __module_impUnit() {

// Whether a value is promise-like (has a then() method): a test returning one is async,
// and a promise resolved with one adopts its outcome. Module-local, so a library that
// replaces the root Promise leaves the runner working.
local isThenable = function(value) {
    return typeof value == "instance" && ("then" in value) && typeof value.then == "function";
};

// ---------------------------------------------------------------------------------
// Promise: settles once; handlers run from a zero-delay imp.wakeup timer, never from
// inside resolve/reject or then(), as the library's do.
class Promise {
    static VERSION = "4.0.1";
    static PENDING = 0;
    static FULFILLED = 1;
    static REJECTED = 2;

    _state = 0;
    _value = null;
    // Handlers waiting for the outcome: tables {onFulfilled, onRejected, resolve, reject}.
    _waiting = null;
    // Resolved with a promise-like value: its outcome decides this one's.
    _adopting = false;
    // then() was called at least once (else a rejection is reported as unhandled).
    _observed = false;
    _flushQueued = false;

    constructor(action) {
        _waiting = [];
        local self = this;
        try {
            action(function(value = null) { self._resolve(value); }, function(reason = null) { self._reject(reason); });
        } catch (error) {
            _reject(error);
        }
    }

    function then(onFulfilled = null, onRejected = null) {
        _observed = true;
        local waiter = {
            onFulfilled = typeof onFulfilled == "function" ? onFulfilled : null,
            onRejected = typeof onRejected == "function" ? onRejected : null,
            resolve = null,
            reject = null
        };
        local next = this.getclass()(function(resolve, reject) {
            waiter.resolve = resolve;
            waiter.reject = reject;
        });
        _waiting.push(waiter);
        if (_state != PENDING) _queueFlush();
        return next;
    }

    function fail(onRejected) {
        return then(null, onRejected);
    }

    function finally(onSettled) {
        return then(onSettled, onSettled);
    }

    function resolve(value) {
        return Promise(function(resolve, reject) { resolve(value); });
    }

    function reject(reason) {
        return Promise(function(resolve, reject) { reject(reason); });
    }

    function all(series) {
        return Promise._together(series, true);
    }

    function race(series) {
        return Promise._together(series, false);
    }

    // Runs next() while condition() holds, one promise after the other; resolves with
    // the last value, rejects with the first rejection.
    function loop(condition, next) {
        return Promise(function(resolve, reject) {
            local last = null;
            local step = null;
            step = function() {
                if (!condition()) {
                    resolve(last);
                    return;
                }
                Promise._promised(next()).then(function(value) {
                    last = value;
                    imp.wakeup(0, step);
                }, reject);
            };
            imp.wakeup(0, step);
        });
    }

    // Promises (or functions returning promises, called in turn) one after the other.
    function serial(series) {
        if (typeof series != "array") return Promise.reject("Promise.serial() not passed an array");
        local index = 0;
        return Promise.loop(function() { return index < series.len(); }, function() {
            local item = series[index];
            index += 1;
            return typeof item == "function" ? item() : item;
        });
    }

    // all() (every value, in order) or race() (the first outcome).
    function _together(series, every) {
        return Promise(function(resolve, reject) {
            local values = array(series.len());
            local left = series.len();
            if (left == 0) {
                resolve(values);
                return;
            }
            foreach (index, item in series) {
                local promise = Promise._promised(typeof item == "function" ? item() : item);
                promise.then((function(index) {
                    return function(value) {
                        if (!every) {
                            resolve(value);
                            return;
                        }
                        values[index] = value;
                        left -= 1;
                        if (left == 0) resolve(values);
                    };
                })(index), reject);
            }
        });
    }

    // A promise for `value`: itself if it is promise-like, else one resolved with it.
    function _promised(value) {
        return isThenable(value) ? value : Promise.resolve(value);
    }

    function _resolve(value = null) {
        if (_state != PENDING || _adopting) return;
        if (isThenable(value)) {
            _adopting = true;
            value.then(_settle(FULFILLED), _settle(REJECTED));
            return;
        }
        _settle(FULFILLED)(value);
    }

    function _reject(reason = null) {
        if (_state != PENDING || _adopting) return;
        _settle(REJECTED)(reason);
    }

    function _settle(state) {
        local self = this;
        return function(value = null) { self._settleAs(state, value); };
    }

    function _settleAs(state, value) {
        if (_state != PENDING) return;
        _state = state;
        _value = value;
        if (_waiting.len() > 0 || state == REJECTED) _queueFlush();
    }

    function _queueFlush() {
        if (_flushQueued) return;
        _flushQueued = true;
        local self = this;
        imp.wakeup(0, function() { self._flush(); });
    }

    function _flush() {
        _flushQueued = false;
        if (_state == REJECTED && !_observed) {
            server.log("Unhandled promise rejection: " + _value);
        }
        local waiting = _waiting;
        _waiting = [];
        foreach (waiter in waiting) {
            local handler = _state == FULFILLED ? waiter.onFulfilled : waiter.onRejected;
            if (handler == null) {
                (_state == FULFILLED ? waiter.resolve : waiter.reject)(_value);
                continue;
            }
            try {
                waiter.resolve(handler(_value));
            } catch (error) {
                waiter.reject(error);
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// ImpTestCase: the base of test cases, with impUnit's assertions. Every assertion
// counts itself and throws its message as a string when it fails.
class ImpTestCase {
    runner = null;
    session = null;
    assertions = 0;

    function info(message = "") {
        runner._report("INFO", message);
    }

    function runCommand(command = "") {
        runner._report("EXTERNAL_COMMAND", command);
    }

    function assertTrue(condition, message = "Failed to assert that condition is true") {
        assertions++;
        if (!condition) throw message;
    }

    function assertEqual(expected, actual, message = "Expected value: %s, got: %s") {
        assertions++;
        if (expected != actual) throw format(message, expected + "", actual + "");
    }

    function assertGreater(actual, cmp, message = "Failed to assert that %s > %s") {
        assertions++;
        if (actual <= cmp) throw format(message, actual + "", cmp + "");
    }

    function assertLess(actual, cmp, message = "Failed to assert that %s < %s") {
        assertions++;
        if (actual >= cmp) throw format(message, actual + "", cmp + "");
    }

    function assertClose(expected, actual, maxDiff, message = "Expected value: %s±%s, got: %s") {
        assertions++;
        if (math.fabs(expected - actual) > maxDiff) throw format(message, expected + "", maxDiff + "", actual + "");
    }

    function assertBetween(actual, min, max, message = "Expected value the range of %s..%s, got %s") {
        assertions++;
        if (min > max) {
            local swap = min;
            min = max;
            max = swap;
        }
        if (actual < min || actual > max) throw format(message, min + "", max + "", actual + "");
    }

    function assertThrowsError(fn, ctx, args = null, message = "Function was expected to throw an error") {
        assertions++;
        local callArgs = [ctx];
        if (args != null) callArgs.extend(args);
        try {
            fn.pacall(callArgs);
        } catch (error) {
            return error;
        }
        throw message;
    }

    // Compared both ways: a slot missing on either side fails, naming its path.
    function assertDeepEqual(expected, actual, message = "Comparison failed on '%s': expected %s, got %s") {
        assertions++;
        _compareDeep(expected, actual, message, true, "", 0);
        _compareDeep(actual, expected, message, false, "", 0);
    }

    function _compareDeep(lhs, rhs, message, forward, path, depth) {
        local shown = path.len() == 0 ? path : path.slice(1);
        if (depth > 32) throw "Possible cyclic reference at " + shown;
        if (typeof lhs != typeof rhs) {
            throw format("Values are not the same type, typeof lhs = %s, typeof rhs = %s", typeof lhs, typeof rhs);
        }
        switch (typeof lhs) {
            case "table":
            case "class":
            case "array":
                foreach (key, value in lhs) {
                    local slot = path + "." + key;
                    if (!(key in rhs)) {
                        local named = slot.slice(1);
                        throw format(message, named, forward ? value + "" : "none", forward ? "none" : value + "");
                    }
                    _compareDeep(value, rhs[key], message, forward, slot, depth + 1);
                }
                break;
            case "blob":
                if (lhs.len() != rhs.len()) {
                    throw format("Blob lengths unequal, lhs.len() == %d, rhs.len() == %d", lhs.len(), rhs.len());
                }
                if (!crypto.equals(lhs, rhs)) {
                    throw format("Blobs are the same length (%d bytes), but the contents are not identical.", lhs.len());
                }
                break;
            case "null":
                break;
            default:
                if (rhs != lhs) throw format(message, shown, lhs + "", rhs + "");
        }
    }
}

// ---------------------------------------------------------------------------------
// ImpUnitRunner: finds the test cases among the root table's classes, runs setUp, the
// test methods (sorted by name) and tearDown of each, one at a time, and reports.
class ImpUnitRunner {
    timeout = 2;
    readableOutput = true;
    stopOnFailure = false;
    session = null;
    // Only this class and this method, when not empty (impt's --tests).
    testClass = "";
    testCase = "";

    tests = 0;
    assertions = 0;
    failures = 0;

    // What is left to run: tables {instance, name, label, isTest}.
    _queue = null;
    // The item running now: its test case instance stays alive while it runs, so its
    // callbacks bound with bindenv(this) keep their environment.
    _running = null;

    function run() {
        // The session's runner lives as long as the VM does.
        __module_impUnit_exports.runner <- this;
        _report("SESSION_START", "");
        _queue = _plan();
        _next();
    }

    function _report(type, value) {
        __impish_report(type, value);
    }

    function _isTestCase(value) {
        if (typeof value != "class") return false;
        for (local ancestor = value.getbase(); ancestor != null; ancestor = ancestor.getbase()) {
            if (ancestor == ImpTestCase) return true;
        }
        return false;
    }

    function _plan() {
        local queue = [];
        foreach (name, value in getroottable()) {
            if (!_isTestCase(value) || (testClass != "" && name != testClass)) continue;
            local methods = [];
            foreach (member, fn in value) {
                local isTest = typeof member == "string" && member.len() >= 4 && member.slice(0, 4) == "test";
                if (isTest && typeof fn == "function" && (testCase == "" || member == testCase)) methods.push(member);
            }
            methods.sort();
            local instance = value();
            instance.runner = this;
            instance.session = session;
            if ("setUp" in value) queue.push({ instance = instance, name = "setUp", label = name + "::setUp()", isTest = false });
            foreach (method in methods) {
                queue.push({ instance = instance, name = method, label = name + "::" + method + "()", isTest = true });
            }
            if ("tearDown" in value) queue.push({ instance = instance, name = "tearDown", label = name + "::tearDown()", isTest = false });
        }
        return queue;
    }

    function _now() {
        return "hardware" in getroottable() ? hardware.millis() / 1000.0 : time();
    }

    function _next() {
        if (_queue.len() == 0) {
            _finish();
            return;
        }
        local item = _queue.remove(0);
        _running = item;
        if (item.isTest) tests++;
        _report("TEST_START", item.label);
        collectgarbage();
        local before = item.instance.assertions;
        local startedAt = _now();
        // Called through impish's native rather than in a try, so that a failure's call
        // stack (where the assertion or the error was raised) reaches the report.
        local called = __impish_try(item.instance[item.name], item.instance);
        if (!called.ok) {
            _done(false, called.value, item.instance.assertions - before);
            return;
        }
        local result = called.value;
        if (isThenable(result)) {
            _await(item, result, before);
            return;
        }
        local took = _now() - startedAt;
        if (took > timeout) {
            _done(false, "Test took " + took + "s, longer than timeout of " + timeout + "s", item.instance.assertions - before);
        } else {
            _done(true, result, item.instance.assertions - before);
        }
    }

    // An async test: its promise decides, unless the timeout comes first (assertions
    // made by a test that timed out are not counted).
    function _await(item, promise, before) {
        local self = this;
        local state = { over = false, timer = null };
        state.timer = imp.wakeup(timeout, function() {
            if (state.over) return;
            state.over = true;
            self._done(false, "Test timed out after " + self.timeout + "s", 0);
        });
        local settle = function(success) {
            return function(value = null) {
                if (state.over) return;
                state.over = true;
                if (state.timer != null) imp.cancelwakeup(state.timer);
                self._done(success, value, item.instance.assertions - before);
            };
        };
        promise.then(settle(true), settle(false));
    }

    function _done(success, value, counted) {
        assertions += counted;
        if (success) {
            _report("TEST_OK", value);
        } else {
            failures++;
            _report("TEST_FAIL", value);
        }
        if (!success && stopOnFailure) {
            _finish();
        } else {
            // The next test starts from the event loop, so a long suite never nests calls.
            local self = this;
            imp.wakeup(0, function() { self._next(); });
        }
    }

    function _finish() {
        _queue = [];
        _report("SESSION_RESULT", { tests = tests, assertions = assertions, failures = failures });
    }
}

return { ImpTestCase = ImpTestCase, ImpUnitRunner = ImpUnitRunner, Promise = Promise };
}

__module_impUnit_exports <- __module_impUnit();
ImpTestCase <- __module_impUnit_exports.ImpTestCase;
ImpUnitRunner <- __module_impUnit_exports.ImpUnitRunner;
Promise <- __module_impUnit_exports.Promise;
