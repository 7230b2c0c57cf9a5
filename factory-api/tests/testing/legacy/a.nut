class FirstTest extends ImpTestCase {
    function testFails() { assertEqual(1, 2); }
    function testNotRunAfterTheFailure() { assertTrue(true); }
}
