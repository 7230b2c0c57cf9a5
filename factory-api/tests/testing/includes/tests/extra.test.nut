// Needs --lib pointing at extra-libs.
#require "Extra.lib.nut:0.1.0"

class ExtraTest extends ImpTestCase {
    function testExtraLibrary() { assertEqual("extra", extra()); }
}
