// A test that raises an error is an <error> in JUnit, one whose assertion fails a
// <failure>; both say where, with the call stack.
class ThrowsTest extends ImpTestCase {
    function testIndexesNull() {
        server.log("reading the sensor");
        local reading = null;
        local c = celsius(reading); // not a tail call: this frame stays on the stack
        return c;
    }

    function testAssertion() {
        this.assertEqual(1, 2);
    }
}

function celsius(reading) {
    local c = reading.celsius;
    return c;
}
