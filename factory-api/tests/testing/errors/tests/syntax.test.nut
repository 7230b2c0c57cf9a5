class SyntaxTest extends ImpTestCase {
    function testBroken() {
        local x = 1 local y = 2;
    }
}
