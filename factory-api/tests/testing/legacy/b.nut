class SecondTest extends ImpTestCase {
    function testNeverRuns() { assertTrue(true); }
}
