// Every impUnit assertion, failing (each test fails with impUnit's message), and the
// passing forms that return something.
class AssertionsTest extends ImpTestCase {
    function testTrue() { assertTrue(1 == 2); }
    function testTrueCustom() { assertTrue(false, "custom <&\"'> message"); }
    function testEqual() { assertEqual(1, 2); }
    function testEqualCustom() { assertEqual("a", "b", "wanted %s, saw %s"); }
    function testGreater() { assertGreater(1, 2); }
    function testLess() { assertLess(2, 2); }
    function testClose() { assertClose(10, 9, 0.5); }
    function testDeepEqualValue() { assertDeepEqual({ a = { b = 1 } }, { a = { b = 0 } }); }
    function testDeepEqualMissing() { assertDeepEqual({ a = { b = 1 } }, { a = { _b = 0 } }); }
    function testDeepEqualExtra() { assertDeepEqual({ a = { b = 1 } }, { a = { b = 1, c = 2 } }); }
    function testDeepEqualType() { assertDeepEqual([1], { x = 1 }); }
    function testDeepEqualArray() { assertDeepEqual([1, [2, 3]], [1, [2, 4]]); }
    function testDeepEqualBlobLength() {
        local a = blob(2);
        local b = blob(3);
        assertDeepEqual(a, b);
    }
    function testDeepEqualBlobContents() {
        local a = blob(2);
        local b = blob(2);
        b[1] = 7;
        assertDeepEqual(a, b);
    }
    function testDeepEqualCycle() {
        local a = {};
        a.a <- a;
        assertDeepEqual(a, a);
    }
    function testBetween() { assertBetween(10, 11, 12); }
    function testBetweenSwapped() { assertBetween(10, 12, 11); }
    function testThrowsError() { assertThrowsError(function() {}, this); }

    function testPassingFormsCount() {
        assertTrue(true);
        assertEqual(1000 * 0.01, 100 * 0.1);
        assertGreater(2, 1);
        assertLess(1, 2);
        assertClose(10, 9, 2);
        assertDeepEqual({ a = [1, { b = "c" }] }, { a = [1, { b = "c" }] });
        assertBetween(10, 9, 11);
        local error = assertThrowsError(function(a, b) { throw a + b; }, this, ["ab", "c"]);
        return error;
    }
}
