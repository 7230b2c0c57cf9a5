class DeepTest extends ImpTestCase {
    function testDeep() { assertTrue(true); }
}
