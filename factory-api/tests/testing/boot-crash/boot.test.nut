class BootTest extends ImpTestCase {
    function testNeverRuns() { assertTrue(true); }
}
