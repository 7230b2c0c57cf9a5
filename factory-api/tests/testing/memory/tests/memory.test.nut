// A 300,000-byte blob: within an imp005's free memory, beyond a 200K limit.
class MemoryTest extends ImpTestCase {
    function testBigBlob() {
        local b = blob(300000);
        assertEqual(300000, b.len());
    }
}
