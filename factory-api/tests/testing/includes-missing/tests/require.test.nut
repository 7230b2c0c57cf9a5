#require "Nope.lib.nut:2.0.0"
class MissingRequireTest extends ImpTestCase {
    function testNothing() {}
}
