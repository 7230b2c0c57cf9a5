// Dot files are not matched, as with impt's glob.
class HiddenTest extends ImpTestCase { function testNo() { assertTrue(false); } }
