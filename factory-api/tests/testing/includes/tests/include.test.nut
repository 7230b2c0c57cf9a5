@include "github:acme/strings/upper.nut@v1.0"

class IncludeTest extends ImpTestCase {
    function testRequiredLibrary() { assertEqual(4, Counter(3).next()); }
    function testLocalInclude() { assertEqual(6, twice(3)); }
    function testGithubInclude() { assertEqual("HI", upper("hi")); }
    function testBuilderVariable() { assertEqual("hello", "@{GREETING}"); }
    function testFileAndLine() { assertEqual("include.test.nut:8", "@{__FILE__}:@{__LINE__}"); }
}
