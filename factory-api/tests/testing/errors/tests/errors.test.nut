// A server.error while a test runs fails it, as impt reports it.
class ErrorsTest extends ImpTestCase {
    function testServerErrorFails() {
        server.error("sensor on fire");
        assertTrue(true);
    }

    function testThenPasses() {
        assertTrue(true);
    }
}
