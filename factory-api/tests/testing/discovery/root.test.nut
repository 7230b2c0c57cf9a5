class RootTest extends ImpTestCase {
    function testOne() { assertTrue(true); }
    function testTwo() { assertTrue(true); }
}
