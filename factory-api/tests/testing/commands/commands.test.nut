// runCommand(): a host command, run in the test home as impt runs it.
class CommandsTest extends ImpTestCase {
    function testA() { runCommand("echo hello from the host"); }
    function testB() { runCommand("exit 3"); }
    function testC() { assertTrue(true); }
}
