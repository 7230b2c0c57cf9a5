// Builder's search for relative includes: beside this file, then the entry's folder, then
// the working directory (impt runs Builder in the test home). A `;` after a directive is
// Builder's expression separator.
@include "tests/global.nut";
@include once "./Lib.device.nut" // the same text as the deviceFile: skipped, as Builder does
@include "helper.nut"
@include "github:acme/widgets/widget.nut" // from a checkout in a library folder

class LookupTest extends ImpTestCase {
    function testRelativeToTheProjectRoot() { assertEqual("global", global()); }
    function testBesideTheIncludingFile() { assertEqual("helper", helper()); }
    function testGithubCheckout() { assertEqual("widget part", widget()); }
    function testPathIsAbsolute() {
        local path = "@{__PATH__}";
        assertEqual("/", path.slice(0, 1));
        assertTrue(path.find("tests/deep") == path.len() - 10);
    }
    function testImpTypeFromTheConfig() { assertEqual("imp001", imp.info().type); }
}
