// Not a test file under the default patterns (*.test.nut, tests/**/*.test.nut).
class IgnoredTest extends ImpTestCase { function testNo() { assertTrue(false); } }
