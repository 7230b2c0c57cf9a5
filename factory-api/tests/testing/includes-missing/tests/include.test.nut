class MissingIncludeTest extends ImpTestCase {
    function testNothing() {}
}
@include "nope.nut"
