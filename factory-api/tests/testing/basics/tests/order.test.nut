// setUp runs once before the case's tests, tearDown once after; tests run sorted by name.
callOrder <- [];

class OrderTest extends ImpTestCase {
    function setUp() { callOrder.push("setUp"); }
    function testB() { callOrder.push("testB"); }
    function testA() { callOrder.push("testA"); return "A's result"; }
    function helper() { callOrder.push("helper"); }
    function tearDown() {
        callOrder.push("tearDown");
        info(callOrder);
    }
}
