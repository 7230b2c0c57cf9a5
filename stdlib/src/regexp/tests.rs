use super::*;
use proptest::prelude::*;

/// Compiles, then `match`, `search` and `capture` on one object (captures carry
/// over between the calls, as in the reference), summarised as the reference
/// driver prints them: `C <error>` or `R <match> <search> <captures> <count>`.
fn summary(pattern: &[u8], text: &[u8], start: usize) -> String {
    let mut re = match Regexp::new(pattern) {
        Ok(re) => re,
        Err(e) => return format!("C {e}"),
    };
    let run = |re: &mut Regexp| -> Result<String, MatchError> {
        let is_match = re.is_match(text)?;
        let found: String = match re.search(text, start)? {
            Some((b, e)) => format!("{b},{e}"),
            None => "null".into(),
        };
        let caps: String = match re.capture(text, start)? {
            Some(spans) => spans.iter().map(|(b, e)| format!("({b},{e})")).collect(),
            None => "null".into(),
        };
        Ok(format!("R {is_match} {found} {caps} {}", re.subexpcount()))
    };
    run(&mut re).unwrap_or_else(|e| format!("E {e}"))
}

/// Each expectation is the reference interpreter's output for the same calls.
#[test]
fn matches_the_reference() {
    let cases: &[(&[u8], &[u8], usize, &str)] = &[
        (b"a*ab", b"aaab", 0, "R false 1,4 (1,4) 1"),
        (b"((a)(b))(c)", b"abc", 0, "R true 0,3 (0,3)(0,2)(0,1)(1,2)(0,0) 5"),
        (b"(a)+", b"aaa", 0, "R true 0,3 (0,3)(0,1) 2"),
        (b"a{2,}(a)", b"aaaa", 0, "R false 0,3 (0,3)(1,2) 2"),
        (b"(a|ab)c", b"abc", 0, "R false null null 2"),
        (b"$", b"abc", 0, "R false null null 1"),
        (b"a*", b"", 0, "R true null null 1"),
        (b"a*", b"bbb", 0, "R false 0,0 (0,0) 1"),
        (b"^", b"abc", 0, "C letter expected"),
        (b"()", b"abc", 0, "C expected paren"),
        (b"(a|)", b"abc", 0, "C expected paren"),
        (b"a|", b"abc", 0, "C letter expected"),
        (b"*a", b"x*a", 0, "R false 1,3 (1,3) 1"),
        (b"a**", b"aa", 0, "C unexpected character"),
        (b"a*?", b"aa?", 0, "R true 0,3 (0,3) 1"),
        (b"a{2}*", b"aa", 0, "C unexpected character"),
        (b"[a-]", b"a", 0, "C invalid range"),
        (b"[-a]", b"-", 0, "R true 0,1 (0,1) 1"),
        (b"[+-]]", b",", 0, "R true 0,1 (0,1) 1"),
        (b"[+-]", b",", 0, "C letter expected"),
        (b"[]a]", b"a", 0, "C empty class"),
        (b"[^]", b"a", 0, "C empty class"),
        (b"[\\d-z]", b"a", 0, "C invalid range"),
        (b"[a-\\n]", b"a", 0, "C invalid range"),
        (b"[0-\\z]", b"a", 0, "R true 0,1 (0,1) 1"),
        (b"a{3,2}", b"aaa", 0, "R false null null 1"),
        (b"a{0}", b"aaa", 0, "R false 0,0 (0,0) 1"),
        (b"a{65536}", b"aaa", 0, "R false 0,0 (0,0) 1"),
        (b"a{1234567890}", b"aaa", 0, "C overflow in numeric constant"),
        (b"a{123456789}", b"aaa", 0, "R false null null 1"),
        (b"a{", b"aaa", 0, "C number expected"),
        (b"a{2", b"aaa", 0, "C , or } expected"),
        (b"a{2,", b"aaa", 0, "C expected paren"),
        (b"a{2,3", b"aaa", 0, "C expected paren"),
        (b"(?a)", b"aaa", 0, "C expected paren"),
        (b"(?:a", b"aaa", 0, "C expected paren"),
        (b"\\", b"aaa", 0, "C letter expected for argument of escape sequence"),
        (b"\\m", b"aaa", 0, "C balanced chars expected"),
        (b"\\ma", b"aaa", 0, "C balanced chars expected"),
        (b"\\maa", b"aaa", 0, "C open/close char can't be the same"),
        (b"\\m()", b"x(a(b)c)d", 0, "R false 1,8 (1,8) 1"),
        (b"\\bfoo\\b", b"a foo b", 0, "R false null null 1"),
        (b"\\b", b"a b", 0, "R false 0,0 (0,0) 1"),
        (b"\\B", b"ab", 0, "R false 1,1 (0,0) 1"),
        (b"x\\b", b"x ", 0, "R false 0,1 (0,1) 1"),
        (b"a b\\b", b"a b ", 0, "R false 0,3 (0,3) 1"),
        (b"[\\b]", b"b", 0, "R true 0,1 (0,1) 1"),
        (b"\\w+", b"ab_1!", 0, "R false 0,4 (0,4) 1"),
        (b"\\l+\\u+", b"abCD", 0, "R true 0,4 (0,4) 1"),
        (b"a.c", b"a\x0ac", 0, "R true 0,3 (0,3) 1"),
        (b"^a|^b", b"cb", 0, "R false null null 1"),
        (b"a|b|c", b"xc", 0, "R false 1,2 (1,2) 1"),
        (b"(a)|b", b"b", 0, "R true 0,1 (0,1)(0,0) 2"),
        (b"x(a*)*y", b"xy", 0, "R true 0,2 (0,2)(0,0) 2"),
        (b"(a*)*", b"b", 0, "R false 0,0 (0,0)(0,0) 2"),
        (b"(\\d+)-(\\d+)-(\\d+)", b"on 2024-01-15 at noon", 0, "R false 3,13 (3,13)(3,7)(8,10)(11,13) 4"),
        (b"[a-zA-Z]+", b"one, two; three", 0, "R false 0,3 (0,3) 1"),
        (b"^ab*c$", b"abbbc", 0, "R true 0,5 (0,5) 1"),
        (b"^ab*c$", b"ac", 0, "R true 0,2 (0,2) 1"),
        (b"^ab+c$", b"ac", 0, "R false null null 1"),
        (b"cat|dog", b"dog", 0, "R true 0,3 (0,3) 1"),
        (b"colou?r", b"color", 0, "R true 0,5 (0,5) 1"),
        (b"[0-9a-f]+", b"c0ffee", 0, "R true 0,6 (0,6) 1"),
        (b"x{2,3}", b"xx", 0, "R true 0,2 (0,2) 1"),
        (b"x{2,3}", b"xxxx", 0, "R false 0,3 (0,3) 1"),
        (b"x{2}", b"xx", 0, "R true 0,2 (0,2) 1"),
        (b"\\s+", b"a \x09 b", 0, "R false 1,4 (1,4) 1"),
        (b"\\D+", b"12ab34", 0, "R false 2,4 (2,4) 1"),
        (b"(?:ab)+", b"ababab", 0, "R true 0,6 (0,6) 1"),
        (b"a\\.c", b"abc", 0, "R false null null 1"),
        (b"(a)(b)?", b"a", 0, "R true 0,1 (0,1)(0,1)(0,0) 3"),
        (b"(", b"", 0, "C letter expected"),
        (b"(a)(b)?", b"ab", 0, "R true 0,2 (0,2)(0,1)(1,2) 3"),
        (b"(a)(b)?c", b"ac", 0, "R true 0,2 (0,2)(0,1)(0,0) 3"),
        (b"[\\x]", b"f", 0, "R true 0,1 (0,1) 1"),
        (b"[\\X]+", b"zz", 0, "R true 0,2 (0,2) 1"),
        (b"\\x+", b"0aFg", 0, "R false 0,3 (0,3) 1"),
        (b"\\c", b"\x01", 0, "R true 0,1 (0,1) 1"),
        (b"\\C+", b"ab\x01", 0, "R false 0,2 (0,2) 1"),
        (b"\\p+", b"!?,a", 0, "R false 0,3 (0,3) 1"),
        (b"\\P+", b"ab!", 0, "R false 0,2 (0,2) 1"),
        (b"\\a+", b"ab1", 0, "R false 0,2 (0,2) 1"),
        (b"\\A+", b"12a", 0, "R false 0,2 (0,2) 1"),
        (b"\\S+", b"ab cd", 0, "R false 0,2 (0,2) 1"),
        (b"\\W+", b"ab!@cd", 0, "R false 2,4 (2,4) 1"),
        (b"\\t\\n\\r\\f\\v", b"\x09\x0a\x0d\x0c\x0b", 0, "R true 0,5 (0,5) 1"),
        (b"\\e", b"e", 0, "R true 0,1 (0,1) 1"),
        (b"\\[", b"[", 0, "R true 0,1 (0,1) 1"),
        (b"\\\\", b"\\", 0, "R true 0,1 (0,1) 1"),
        (b"[\\]]", b"]", 0, "R true 0,1 (0,1) 1"),
        (b"[\\^a]", b"^", 0, "R true 0,1 (0,1) 1"),
        (b"[^abc]+", b"xyzabc", 0, "R false 0,3 (0,3) 1"),
        (b"[^\\d]+", b"ab12", 0, "R false 0,2 (0,2) 1"),
        (b"a|b|", b"a", 0, "C letter expected"),
        (b"|a", b"|a", 0, "R true 0,2 (0,2) 1"),
        (b"a||b", b"|b", 0, "R true 0,2 (0,2) 1"),
        (b"(|a)", b"|a", 0, "R true 0,2 (0,2)(0,2) 2"),
        (b")", b")", 0, "R true 0,1 (0,1) 1"),
        (b"a)", b"a", 0, "C unexpected character"),
        (b"(a))", b"a)", 0, "C unexpected character"),
        (b"^*", b"*", 0, "R true 0,1 (0,1) 1"),
        (b"$*", b"a", 0, "R false 0,0 (0,0) 1"),
        (b"a$b", b"a", 0, "R false null null 1"),
        (b"a^b", b"a^b", 0, "R true 0,3 (0,3) 1"),
        (b"((a))", b"a", 0, "R true 0,1 (0,1)(0,1)(0,1) 3"),
        (b"(a(b(c)))", b"abc", 0, "R true 0,3 (0,3)(0,3)(1,3)(2,3) 4"),
        (b"(a)(b)(c)", b"abc", 0, "R true 0,3 (0,3)(0,1)(1,2)(2,3) 4"),
        (b"(a)*(b)", b"aab", 0, "R true 0,3 (0,3)(0,1)(0,0) 3"),
        (b"(a|b)*c", b"abac", 0, "R true 0,4 (0,4)(0,1) 2"),
        (b"(ab|a)*c", b"abac", 0, "R true 0,4 (0,4)(0,2) 2"),
        (b"a+?", b"aa?", 0, "R true 0,3 (0,3) 1"),
        (b"a{1,3}b", b"aaaab", 0, "R false 1,5 (1,5) 1"),
        (b"a{,3}", b"a", 0, "C number expected"),
        (b"a{x}", b"a", 0, "C number expected"),
        (b"a{1x}", b"a", 0, "C , or } expected"),
        (b"a{1,x}", b"a", 0, "C expected paren"),
        (b"a{0,0}b", b"b", 0, "R true 0,1 (0,1) 1"),
        (b"a{65535}", b"a", 0, "R false null null 1"),
        (b"(a*)+", b"b", 0, "R false 0,0 (0,0)(0,0) 2"),
        (b"(a*)+b", b"aab", 0, "R true 0,3 (0,3)(0,2) 2"),
        (b"(a?)*b", b"aab", 0, "R true 0,3 (0,3)(0,1) 2"),
        (b"(a|b)+", b"abab", 0, "R true 0,4 (0,4)(0,1) 2"),
        (b"(\\s*)*x", b"  x", 0, "R true 0,3 (0,3)(0,2) 2"),
        (b".*", b"abc", 0, "R true 0,3 (0,3) 1"),
        (b".*c", b"abc", 0, "R true 0,3 (0,3) 1"),
        (b".*b", b"abcb", 0, "R false 0,2 (0,2) 1"),
        (b".+", b"", 0, "R false null null 1"),
        (b"a.*b.*c", b"axbxc", 0, "R true 0,5 (0,5) 1"),
        (b"(.*)(.*)", b"ab", 0, "R true 0,2 (0,2)(0,1)(1,2) 3"),
        (b"(.*)b", b"aab", 0, "R true 0,3 (0,3)(0,2) 2"),
        (b"x*", b"xxx", 0, "R true 0,3 (0,3) 1"),
        (b"[a-c]*d", b"abcd", 0, "R true 0,4 (0,4) 1"),
        (b"[a-c]+c", b"abcc", 0, "R false 0,3 (0,3) 1"),
        (b"\\d{2}", b"123", 0, "R false 0,2 (0,2) 1"),
        (b"\\d{2,}", b"1", 0, "R false null null 1"),
        (b"(\\d)+", b"123", 0, "R true 0,3 (0,3)(0,1) 2"),
        (b"(?:(a)|(b))+", b"ab", 0, "R true 0,2 (0,2)(0,0)(1,2) 3"),
        (b"(a)|(b)", b"b", 0, "R true 0,1 (0,1)(0,0)(0,1) 3"),
        (b"\\mab", b"aabbb", 0, "R false 0,4 (0,4) 1"),
        (b"\\m[]", b"[[]]", 0, "R true 0,4 (0,4) 1"),
        (b"[\\mab]", b"a", 0, "R false null null 1"),
        (b"[\\mab-z]", b"a", 0, "C invalid range"),
        (b"x\\m", b"x", 0, "C balanced chars expected"),
        (b"\\m\\x", b"x", 0, "R false null null 1"),
        (b"\\b\\w+\\b", b" hello world", 0, "R false 5,6 (5,6) 1"),
        (b"\\Bx", b"ax", 0, "R false 1,2 (1,2) 1"),
        (b"\\B", b"a  ", 0, "R false 1,1 (0,0) 1"),
        (b"a\\B", b"a  ", 0, "R false 0,1 (0,1) 1"),
        (b"\\b$", b"ab ", 0, "R false null null 1"),
        (b"^\\b", b" a", 0, "R false 0,0 (0,0) 1"),
        (b"[a-z", b"a", 0, "C letter expected"),
        (b"[a", b"a", 0, "C letter expected"),
        (b"[", b"a", 0, "C letter expected"),
        (b"[\\", b"a", 0, "C letter expected for argument of escape sequence"),
        (b"[a-\\", b"a", 0, "C invalid range"),
        (b"[!-\\", b"a", 0, "C letter expected"),
        (b"[!-\\]]", b"]", 0, "R true 0,1 (0,1) 1"),
        (b"[!-\\]", b"]", 0, "C letter expected"),
        (b"[z-a]", b"a", 0, "C invalid range"),
        (b"[a-a]", b"a", 0, "R true 0,1 (0,1) 1"),
        (b"[--/]", b".", 0, "R true 0,1 (0,1) 1"),
        (b"[a-c-e]", b"-", 0, "R true 0,1 (0,1) 1"),
        (b"[\\d]", b"5", 0, "R true 0,1 (0,1) 1"),
        (b"[\\s\\d]+", b" 1 2", 0, "R true 0,4 (0,4) 1"),
        (b"(?", b"a", 0, "C expected paren"),
        (b"(?:", b"a", 0, "C letter expected"),
        (b"(?:)", b"a", 0, "C expected paren"),
        (b"(?:a)", b"a", 0, "R true 0,1 (0,1) 1"),
        (b"a{2}{3}", b"aaaaaa", 0, "R false null null 1"),
        (b"a?b?c?", b"abc", 0, "R true 0,3 (0,3) 1"),
        (b"a?b?c?", b"x", 0, "R false 0,0 (0,0) 1"),
        (b"ab?c", b"ac", 0, "R true 0,2 (0,2) 1"),
        (b"a*b*c*d", b"d", 0, "R true 0,1 (0,1) 1"),
        (b"a+b+c+", b"aabbcc", 0, "R true 0,6 (0,6) 1"),
        (b"a+a+a+", b"aaa", 0, "R true 0,3 (0,3) 1"),
        (b"a+a+a+", b"aa", 0, "R false null null 1"),
        (b"(a+)+b", b"aaab", 0, "R true 0,4 (0,4)(0,3) 2"),
        (b"(a+|b+)+", b"aabb", 0, "R true 0,4 (0,4)(0,2) 2"),
        (b"((a)|(b))*", b"ab", 0, "R true 0,2 (0,2)(0,1)(0,0)(1,2) 4"),
        (b"(a)(?:b)(c)", b"abc", 0, "R true 0,3 (0,3)(0,1)(2,3) 3"),
        (b"a(?:b|c)+d", b"abcbd", 0, "R true 0,5 (0,5) 1"),
        (b"\x01", b"\x01", 0, "C letter expected"),
        (b"a\x00b", b"a", 0, "R true 0,1 (0,1) 1"),
        (b"a", b"ba\x00a", 0, "R false 1,2 (1,2) 1"),
        (b"a", b"b\x00a", 0, "R false null null 1"),
        (b"\xe9", b"\xe9", 0, "C letter expected"),
        (b"\\\xe9+", b"\xe9\xe9", 0, "R true 0,2 (0,2) 1"),
        (b"[\\\xe9]", b"\xe9", 0, "R true 0,1 (0,1) 1"),
        (b"[\\\xe9-\\\xf0]", b"\xea", 0, "R true 0,1 (0,1) 1"),
        (b"[a-\\\xe9]", b"a", 0, "C invalid range"),
        (b"[\\\xe9-z]", b"a", 0, "R true 0,1 (0,1) 1"),
        (b"\\w", b"\xe9", 0, "R false null null 1"),
        (b"\\W", b"\xe9", 0, "R true 0,1 (0,1) 1"),
        (b"\\S", b"\xe9", 0, "R true 0,1 (0,1) 1"),
        (b".", b"\xe9", 0, "R true 0,1 (0,1) 1"),
        (b"[^a]", b"\xe9", 0, "R true 0,1 (0,1) 1"),
        (b"\\P", b"\xe9", 0, "R true 0,1 (0,1) 1"),
        (b"[(-\\\x00a-\\ba", b"^]", 0, "C invalid range"),
        (b"[!-\\\x00]", b"\x00", 0, "R false null null 1"),
        (b"a\x00(", b"a", 0, "R true 0,1 (0,1) 1"),
        (b"\\C", b"\xe9", 0, "R true 0,1 (0,1) 1"),
        (b"\\X", b"\xe9", 0, "R true 0,1 (0,1) 1"),
        (b"\\A", b"\xe9", 0, "R true 0,1 (0,1) 1"),
        (b"\\D", b"\xe9", 0, "R true 0,1 (0,1) 1"),
        (b"[\\x01-\\x7f]", b"a", 0, "R true 0,1 (0,1) 1"),
        (b"a", b"aaa", 1, "R false 1,2 (1,2) 1"),
        (b"a", b"aaa", 3, "R false null null 1"),
        (b"^a", b"baa", 1, "R false 1,2 (1,2) 1"),
        (b"\\bb", b"abb", 1, "R false 1,2 (1,2) 1"),
        (b"(a)", b"xaxa", 2, "R false 3,4 (3,4)(3,4) 2"),
        (b"b", b"ab\x00b", 3, "R false 3,4 (3,4) 1"),
        (b"(b)|(c)", b"bcb", 0, "R false 0,1 (0,1)(0,1)(0,0) 3"),
        (b"(b)|(c)", b"bcb", 1, "R false 1,2 (1,2)(0,0)(1,2) 3"),
        (b"$", b"ab", 1, "R false null null 1"),
        (b"a*", b"ba", 1, "R false 1,2 (1,2) 1"),
        (b"\\B", b"a b", 1, "R false 2,2 (0,0) 1"),
        (b"x*.{2}|\\d|[ab]{0,1}|[a-c]\\w?\\S{3,}", b"b)", 0, "R true 0,2 (0,2) 1"),
        (b"(\\m()*)a*\\m(){0,1}[^a]{0,}|[a-c]?.", b"ba(bbc1c", 0, "R false 0,1 (0,1)(0,0) 2"),
        (b"(.{0,}\\S+){3,}b+", b"", 0, "R false null null 2"),
        (b"\\sc?([ab]$*c[a-c]{2}|(${0,1}x\\m(){1,2}){0,1}\\S{0,}\\B*\\m(){2}|x*\\B*[ab]{0,1})+(\\m(){0,1}\\b+[ab]*a+){0,}", b"(cabc)1", 4, "R false null null 4"),
        (b"^[ab]{2}(?:cc|\\S*(xa?)(?:\\d) {0,1})*.{0,1}", b"", 0, "R false null null 2"),
        (b"\\S+(?:\\B{3,}\\w)(\\S?\\w*\\m()*){3,}|\\s{2}\\b{2}|[ab]*.{0,}b{0,}[ab]{0,}|xaa{2} *", b"bccabxx)ab )x", 8, "R false 8,13 (8,13)(2,7) 2"),
        (b"\\d*a*\\S+|\\b\\B{3,}a+.+|$|\\d\\s[a-c]", b"bbbxcabcx((aa", 0, "R true 0,13 (0,13) 1"),
        (b"^[a-c]{0,1}", b"", 0, "R true null null 1"),
        (b"\\s{1,2}a{1,2}[^a]{0,}", b"bcb c1bbcc)", 0, "R false null null 1"),
        (b".(?:[^a]{1,2}[^a]{1,2}x\\S)?", b"c", 0, "R true 0,1 (0,1) 1"),
        (b"^\\b*$\\m(){0,}.", b"cccbba ", 0, "R false null null 1"),
        (b"\\d+(\\S{2}b *\\d{0,}|${2}[a-c]{3,}a?)?\\m(){0,1}", b"a)1aaaxaaxba", 0, "R false 2,3 (2,3)(0,0) 2"),
        (b"\\B+[a-c]{2}", b"cb)ba)bca", 0, "R false 3,5 (3,5) 1"),
        (b"a", b"a(bcb(ba cba)c", 0, "R false 0,1 (0,1) 1"),
        (b"([a-c]{0,}\\s{0,1}x{3,}.{2})+([^a]([a-c]*\\d{3,}.{3,}c{1,2})){0,}(\\B?a{1,2}((${3,}\\m()*x{0,}x{3,})b|[^a]*x?\\S{0,1})*){1,2}\\w", b"c) abb1c(", 0, "R false null null 7"),
        (b"b|x", b"1", 0, "R false null null 1"),
        (b"\\S{0,1}", b"c(bbab1bacc1", 0, "R false 0,1 (0,1) 1"),
        (b"\\S{0,1}", b"(b1ab()caa bba", 0, "R false 0,1 (0,1) 1"),
        (b"\\b+[^a]{2}", b"cacbbxcabxcab", 0, "R false null null 1"),
        (b"[ab]+\\B{0,}x?", b"bb aab)", 0, "R false 0,2 (0,2) 1"),
        (b"((?: +)b{0,1}|[a-c]{0,} ?\\w* {0,})+|b{0,}.{2}\\s", b"cbcbxcc", 0, "R true 0,7 (0,7)(0,7) 2"),
        (b" {0,1}", b"aacxbca ccc", 0, "R false 0,0 (0,0) 1"),
        (b"x*[^a]?|(x{0,1})*\\S{0,}", b"", 0, "R true null null 2"),
        (b"[ab](.(\\m()c{2}\\m(){3,}|[^a]{2}\\S)(\\s+|\\b){2})", b"cabc", 0, "R false null null 4"),
        (b"(x*b{0,}.{3,}).((\\w){3,}c{0,1}\\m(){0,1}a){0,1}.{0,1}", b"cb1 b", 0, "R true 0,5 (0,5)(0,3)(0,0)(4,5) 4"),
        (b"(\\B{2})*.+\\s[ab]{1,2}", b"b)aa b(c1", 0, "R false 0,6 (0,6)(0,0) 2"),
        (b"\\S{1,2}[ab]+\\d+", b"xacc(", 0, "R false null null 1"),
        (b"[ab]\\b|x{0,}[ab]?.+|[a-c]{0,1}", b" aab(bca ", 1, "R true 1,9 (1,9) 1"),
        (b"\\b*[a-c]?", b"bc()c", 2, "R false 2,2 (0,0) 1"),
        (b"\\s\\m()", b"b(cax ", 5, "R false null null 1"),
        (b"b? {0,}", b"bccbb1ba)a", 4, "R false 4,5 (4,5) 1"),
        (b"(?:\\b{0,1}\\s{0,}\\b|\\m(){0,}\\d+)(\\m() +)?[a-c]{0,}[^a]*", b"cb c(", 5, "R true null null 2"),
        (b"c+[a-c]+x{1,2}b{1,2}", b"", 0, "R false null null 1"),
        (b"\\m()*", b"cbabcx c", 0, "R false 0,0 (0,0) 1"),
        (b"a{2}", b"a)acxbcacx1ab", 0, "R false null null 1"),
        (b" ?", b"b(c11cc)a", 3, "R false 3,3 (0,0) 1"),
        (b"[^a]{0,}(x{1,2}\\s*){0,}|[ab]", b"cbaa1", 0, "R false 0,2 (0,2)(0,0) 2"),
        (b"(${1,2}|${0,1}){1,2}$a", b"c axxxb1ccaxb", 0, "R false null null 2"),
        (b"(.{1,2}([a-c]{0,1}a{3,}.{0,})){2}(^\\m()*\\B{2}(?:.?(\\b{1,2}[^a]{0,}){3,}b{3,})*)${1,2}|^\\b |b", b"x)", 0, "R false null null 5"),
        (b"c{2}(\\d*[^a](?:$){2}[^a]{1,2}){0,1}", b")cbc)", 0, "R false null null 2"),
        (b"[ab]? b*a{1,2}", b"", 0, "R false null null 1"),
        (b"\\B{3,}(\\S{1,2}){2}\\m().{2}", b"cc1(bba bba", 0, "R false null null 2"),
        (b"[a-c]{3,}.{2}", b"ab)cx", 0, "R false null null 1"),
        (b"a*", b"babc xaca(", 0, "R false 0,0 (0,0) 1"),
        (b"(b{3,} * {3,}\\w)*a*.{3,}\\d", b"caabaa1c1ccb", 0, "R false 0,7 (0,7)(0,0) 2"),
        (b"[^a]\\B[a-c]{0,1}", b"", 0, "R false null null 1"),
        (b"\\S{0,1}a*.{1,2}[a-c]*", b"abccc", 4, "R true null null 1"),
        (b"[ab]{3,}c*", b"1caabaab ", 0, "R false 2,8 (2,8) 1"),
        (b"x([a-c]{3,}|( x+\\s+))", b"ca", 0, "R false null null 3"),
        (b"\\s[a-c][a-c]{0,}", b")bcb1ba", 5, "R false null null 1"),
        (b".{1,2}(?:[^a]?\\s*){1,2}($*[^a]{0,}\\d+${2})*(${0,}b{0,1})?", b"bb  ", 1, "R true 1,4 (1,4)(0,0)(0,0) 3"),
        (b".{0,} +\\b?${3,}", b"b", 0, "R false null null 1"),
        (b"^\\d${0,}(^x[a-c] )?|^\\m()\\w{0,1}[ab]{0,1}x*", b"b1 cbxc)", 0, "R false null null 2"),
        (b"^\\m(){2}c{0,1}", b"", 0, "R false null null 1"),
        (b"x{1,2}a+\\d{0,}\\b|\\Sc", b"aa( bc1a", 8, "R false null null 1"),
        (b"\\b{0,1}cx{3,}", b"1)", 0, "R false null null 1"),
        (b"\\b{0,}\\B", b")ca", 3, "R false null null 1"),
        (b"^$*", b"cc1bbbabc", 0, "R false 0,0 (0,0) 1"),
        (b"[^a]\\S${1,2}", b"bxa1c cba a a", 8, "R false 11,13 (11,13) 1"),
        (b"${0,}(c*)\\d{1,2}[a-c]?", b"acaxbb( bbb)", 12, "R false null null 2"),
        (b" {0,1}", b"acbcbcx1 ba1ba", 4, "R false 4,4 (0,0) 1"),
        (b"[a-c] (.*(\\S[a-c]*[a-c]*){0,}\\m(){0,1}\\s{1,2})?", b"", 0, "R false null null 3"),
        (b"(x{0,}\\s)* {2}\\d?", b" baa(1", 0, "R false null null 2"),
        (b"x?", b"b ", 0, "R false 0,0 (0,0) 1"),
        (b"(c*\\d{3,}\\d{2}) {1,2}\\dx", b" aacxcbabxb)", 3, "R false null null 2"),
        (b"\\S{3,} {3,}a|^(\\s+\\m()\\b|\\B?)", b"bx1", 1, "R false 1,1 (0,0)(0,0) 2"),
        (b"(b{3,}\\d?(?:a?x?){0,1}\\d)?[^a]+(^b+|[^a]{0,}(\\d?[a-c]{0,}\\b$){1,2}.{0,1}(\\S?){3,})*", b"xb1ba acababb", 2, "R false 2,4 (2,4)(0,0)(0,0)(0,0)(0,0) 5"),
        (b"b{1,2}", b" c(aba)aaa ", 5, "R false null null 1"),
        (b"\\B{0,}$*", b"c", 0, "R false 0,0 (0,0) 1"),
        (b"c[ab]{3,}(?:\\w{0,}a|\\s{1,2}[ab]\\m(){3,}){1,2}", b"", 0, "R false null null 1"),
        (b"\\d?", b"(c1acbccaaaa", 0, "R false 0,0 (0,0) 1"),
        (b"c ?\\b{3,}|c{0,}.", b"1bxxbbcbaa", 6, "R false 6,8 (6,8) 1"),
        (b"\\m()\\b{0,1}", b"a()b", 0, "R false 1,3 (1,3) 1"),
        (b".{0,}[^a]", b"bc)(1bc(b", 0, "R false 0,2 (0,2) 1"),
        (b"^x{3,}\\d{3,}(?:\\S*\\B?\\d{1,2})", b"1c(b(caa", 0, "R false null null 1"),
        (b"^\\B{0,}", b"bc()a (", 0, "R false 0,0 (0,0) 1"),
        (b"[ab]*[a-c]* ?", b"", 0, "R true null null 1"),
        (b"[ab]*b{1,2}x{0,1}", b"bcbca ac( ccx", 0, "R false null null 1"),
        (b"\\s{3,}[ab]{0,1}", b"b(1bb bb", 0, "R false null null 1"),
        (b"^(\\w\\w{0,}(cc{1,2}([ab]{0,}[^a]{0,}\\b{2}\\b*)\\S?)\\m(){1,2})*(\\w{2}){0,}[ab]{3,}", b"x", 0, "R false null null 5"),
        (b"\\s{2}", b"1ccc)(bc(bx(b", 0, "R false null null 1"),
        (b".{1,2}\\S", b"a)ac()((xxca1(", 11, "R false 11,13 (11,13) 1"),
        (b"(\\d{0,}a{2}){3,}c{1,2}", b"aab", 0, "R false null null 2"),
        (b"((.+ {0,}$+[a-c]*)a{0,1})+ a{1,2}c{0,}", b"b11a)1", 5, "R false null null 3"),
        (b"([a-c]{1,2}[ab]{2}\\b{3,}|\\B*\\s?(\\s{3,}[ab]{3,}\\S{2})\\s)\\B*\\b{1,2}", b"(1x xba)abxb", 0, "R false null null 3"),
        (b"[ab]+", b"xccc1ac", 0, "R false 5,6 (5,6) 1"),
        (b"\\d{1,2}x{2}\\w?[ab]{1,2}", b"c1b (b", 0, "R false null null 1"),
        (b"x+", b"", 0, "R false null null 1"),
        (b".{3,}", b")xa()cab", 3, "R true 3,8 (3,8) 1"),
        (b"(^\\B*){0,1}(?:(?:c?\\m()\\B{3,})*){2}x{0,}", b"acabb1)bcc", 7, "R false 7,7 (0,0)(0,0) 2"),
        (b".*.{3,}", b") b", 0, "R false null null 1"),
        (b" {0,1}", b"bcac", 0, "R false 0,0 (0,0) 1"),
        (b"\\b?\\m()\\d{0,1}[ab]{3,}", b"acc1aaaaxc1", 0, "R false null null 1"),
        (b"x{3,}(?:[^a]{0,1}$*\\S*.*)[a-c]\\B?", b"aaca()cabcbc", 0, "R false null null 1"),
        (b"x{2}", b"a", 0, "R false null null 1"),
        (b"[^a]\\b\\d{2}", b"xa)))1(aaxbaxc", 0, "R false null null 1"),
        (b"(\\m()\\b{3,}|(b\\m()+\\d{3,})\\S*[ab]*.{1,2}|\\B[^a][ab])", b"c", 0, "R false null null 3"),
        (b"\\w?\\m(){0,1}", b"ab", 0, "R false 0,1 (0,1) 1"),
        (b".{1,2}", b"(c cabc))b(c )", 5, "R false 5,7 (5,7) 1"),
        (b"\\m()+", b"c1cabx", 0, "R false null null 1"),
        (b"[a-c]{1,2}b[a-c]\\m()", b"c(c", 1, "R false null null 1"),
        (b"x{3,}a{0,}\\w{1,2}", b"", 0, "R false null null 1"),
        (b"xa {3,}\\d", b"aacx(1ax(bcbb)", 10, "R false null null 1"),
        (b"^b{0,1}", b"ca ", 0, "R false 0,0 (0,0) 1"),
        (b"\\b{0,1}(\\w+.\\b{1,2}b{2}|(\\w*\\Sa*)\\w+)+(([a-c]{2}\\B*(\\m()+\\B+$?[a-c]{3,})*)*[^a]{2}a.{3,}){1,2}|bc", b"1 bcc", 0, "R false 2,4 (2,4)(2,5)(2,4)(0,0)(0,0)(0,0) 6"),
        (b"a\\w+|\\wb*\\w{2} {0,}", b"", 0, "R false null null 1"),
        (b"\\m()\\b{3,}a{3,}", b"xbx ", 0, "R false null null 1"),
        (b"\\w{1,2}c\\w{3,}", b"cxax(cxccbb a", 0, "R false 5,11 (5,11) 1"),
        (b".{0,}b{1,2}(x{0,1}(?:$+|[^a]{2}\\d.{0,1}\\b{2})+){0,1}", b"cccxc)xc(b c", 0, "R false 0,10 (0,10)(0,0) 2"),
        (b"x\\S{2}\\d", b"", 0, "R false null null 1"),
        (b"\\m()+\\b{2}[a-c][ab]{3,}", b"(1abaa xxcaa", 0, "R false null null 1"),
        (b"(\\b{0,}.*a){0,1}${0,}", b"xcxba)1a", 0, "R false 0,5 (0,5)(0,5) 2"),
        (b"[ab]{0,}", b"aa)c))acccc c(", 0, "R false 0,2 (0,2) 1"),
        (b"\\s[ab]{0,1}( {0,1}[ab]{3,}$+)+\\B{0,1}", b"axab", 0, "R false null null 2"),
        (b"\\S{0,}|(?:\\s[ab]+c{0,}\\w?){3,}(\\d{0,}(\\S{0,1}\\w?[a-c]{3,}[^a]){0,}|^.*c\\w{1,2}[a-c]{0,1})(?:[^a]+)?(?:^[a-c][ab]{0,1}\\d{3,}){2}", b"accaaaa(bc1 ", 0, "R false 0,11 (0,11)(0,0)(0,0) 3"),
        (b"x?(\\B{2}(a{1,2})+(\\S)|^\\B+(\\S)[^a].{1,2}){3,}\\b{2}\\m()", b"x1ba(1bcca1", 2, "R false null null 5"),
        (b"\\s+(?:^\\B{3,}|\\B{0,1}c+|\\m(){0,1}\\d{1,2})+", b"", 0, "R false null null 1"),
        (b" {3,}[ab]*", b"bccccb)b1()", 0, "R false null null 1"),
        (b"((\\S{3,}){0,1}\\s+.{3,}){1,2}\\m()x{0,}(^((\\m()?b{3,}\\w+\\s){3,}$([ab]*[a-c])?){3,}.+\\d?){3,}", b"b", 0, "R false null null 7"),
        (b"^.+\\w", b"b1cabc cb) x", 9, "R false 9,12 (9,12) 1"),
        (b"\\m(){2}", b"c1a", 0, "R false null null 1"),
        (b"(^\\m()a{1,2}\\sc){1,2}\\d{0,1}", b"a(axacxb bb)()", 0, "R false null null 2"),
        (b"\\w\\S*", b"))ab) ))x", 0, "R false 2,5 (2,5) 1"),
        (b"a{1,2}\\S{3,}", b"abb1cb", 0, "R true 0,6 (0,6) 1"),
        (b"\\b{2}", b"", 0, "R false null null 1"),
        (b"a", b"baaaaaabbbxbba", 0, "R false 1,2 (1,2) 1"),
        (b"[^a]{0,}[a-c]?", b"a(c ab(1bbb", 0, "R false 0,1 (0,1) 1"),
        (b"^\\w+", b"x", 0, "R true 0,1 (0,1) 1"),
        (b"\\d\\b?(?:\\bc{0,1}){2}([ab]c {0,1})|\\S+(b*\\m()){1,2}\\b{3,}((?:x{0,}\\S\\B{0,})+.+\\s{0,}\\b*){3,}", b"a aaab(", 0, "R false null null 4"),
        (b"$[^a][ab]{1,2}b{3,}", b"1x( bx", 0, "R false null null 1"),
        (b"([ab]?\\s)?\\B{0,1}\\w{0,1}", b"1acbcaacaabc", 0, "R false 0,1 (0,1)(0,0) 2"),
        (b" a?|[^a]{2}\\s?", b"b a(bc a", 0, "R false 0,2 (0,2) 1"),
        (b"x", b"b(", 0, "R false null null 1"),
        (b"(?:(\\b{1,2}b{0,}b(\\S{0,}\\B+){1,2}){1,2} [a-c]{0,1}[^a]*){2}\\d+xc", b"a)aacx1ccca b", 0, "R false null null 3"),
        (b"(\\B{3,}|[ab](?:\\b)\\b[ab]{1,2})*\\S{1,2}x", b"cbaaac(cc x)c", 0, "R false null null 2"),
        (b"\\S{0,}(\\S{1,2}\\d+b?(?:(?:[^a]{2})+\\B{2}.{1,2}[^a]+){0,}){0,}(?:b\\S{2}\\b{1,2}){3,}", b"ab((a)(a11aba1", 0, "R false null null 2"),
        (b"x$\\m()?", b" aaaa", 0, "R false null null 1"),
        (b"\\d\\w?[ab]{3,}a{0,1}", b"bcxcx)b", 0, "R false null null 1"),
        (b".(\\w*){0,1}[ab]\\s{0,}", b" b( b b) b", 0, "R false null null 2"),
        (b"(^([ab]\\b*${2}$+){2}[a-c]((\\w+\\d)\\b{0,1}|\\Ba*\\b{1,2} )+\\s{1,2})?(\\w{3,}\\s+){3,}[a-c]", b"c))", 0, "R false null null 6"),
        (b"[^a]", b"bbc", 0, "R false 0,1 (0,1) 1"),
        (b"[ab]", b" caca", 0, "R false 2,3 (2,3) 1"),
        (b"(c{0,}(\\s{0,}){2}(x{2}$(?:\\m()+)a{0,1}|\\d{0,1}$){3,}){0,}x{0,}\\b{0,1}", b"ba1c bc1c a1", 0, "R false 0,0 (0,0)(0,0)(0,0)(0,0) 4"),
        (b"[a-c]{1,2}", b"(axa", 0, "R false 1,2 (1,2) 1"),
        (b"x{1,2}(x*)", b"cxcc", 4, "R false null null 2"),
        (b"b{0,}", b"b cacc", 0, "R false 0,1 (0,1) 1"),
        (b"\\w(${3,}\\w?b{0,}\\d{1,2}|\\b{0,}\\s(x\\b*)x*)\\b{0,1}", b")c c", 0, "R false null null 3"),
        (b"c", b"cac", 0, "R false 0,1 (0,1) 1"),
        (b"^[ab]?\\B", b"xa", 0, "R false null null 1"),
        (b"\\B+\\w{0,}(\\m()+ +[a-c]{0,}\\m(){0,}){2}(\\w{1,2}c{0,1}\\d{0,})*|\\s{1,2}x?\\s+|x{0,}\\b{0,}", b"c)c", 0, "R false 0,0 (0,0)(0,0)(0,0) 3"),
        (b"(?:$?\\s{1,2}\\b)(b)\\w{1,2}", b"1(1b1(", 0, "R false null null 2"),
        (b".+[^a]a{0,}x", b"(x aa1)b)cab", 0, "R false null null 1"),
        (b"c{1,2}\\d*c*.{0,1}", b"bbx(c", 1, "R false 4,5 (4,5) 1"),
        (b"\\S{0,}", b"", 0, "R true null null 1"),
        (b"[^a]{0,}\\Ba?", b"1aaccaaccxbaa", 0, "R false 0,2 (0,2) 1"),
        (b"\\b+", b"", 0, "R true null null 1"),
        (b"\\S?(?:(\\m())\\w{2}){0,1}[a-c]", b" baa1 bc(cc", 0, "R false 1,3 (1,3)(0,0) 2"),
        (b"\\d*([^a][ab]{2}(?:\\m(){0,}.{2} ){2}\\m()){2}[ab]?", b" c)a cccxc1", 0, "R false null null 2"),
        (b"[^a]", b"1(", 0, "R false 0,1 (0,1) 1"),
        (b"${2}(\\b{2}\\b){3,}\\B[^a]{0,}", b"bbc baa)", 0, "R false null null 2"),
        (b"]]{\\na(:+", b"", 0, "C number expected"),
        (b"\x01", b"-a a\x0aa_", 0, "C letter expected"),
        (b"[^\\f{^", b"-", 0, "C letter expected"),
        (b"\\9", b"\x7fa\x7f", 0, "R false null null 1"),
        (b"~\\na\\\xe9b$\\\x009", b"^", 0, "C letter expected for argument of escape sequence"),
        (b"(\\p", b"-_]!a\x01", 0, "C expected paren"),
        (b"a{[\\x*\\b", b"_b\x09\xe9", 0, "C number expected"),
        (b"~", b"az\x00", 2, "R false null null 1"),
        (b"\\x", b"\x00bab", 0, "R false null null 1"),
        (b"(]9[-\\^", b"-", 0, "C letter expected"),
        (b"\\x-\\m][\x7f\\m|[", b"bz_\x0a\x09\x010\x7fA", 0, "C letter expected"),
        (b"a\\0-?:^\\\xe9", b"a \x7fb\x00A!\xe9b", 0, "R false null null 1"),
        (b". -\x7f-\\x\\d", b"", 0, "C letter expected"),
        (b":\\f(\\l}-\\f\\la", b"Ab_ab", 4, "C expected paren"),
        (b"{", b"\xe9b", 1, "R false null null 1"),
        (b"\\\xe9)", b"\x01\x01\x0a A\x09", 3, "C unexpected character"),
        (b"a", b" ]", 0, "R false null null 1"),
        (b"~\\v\x7fbb", b"^", 0, "C letter expected"),
        (b"\\t", b"^\x09\x00_0b-\x01", 0, "R false 1,2 (1,2) 1"),
        (b"]\\n:aa", b"b_^^^", 0, "R false null null 1"),
        (b"\\\xe9.~", b"0b\xe9_", 0, "R false null null 1"),
        (b"\\n\\]\\b\\\xe9", b"", 0, "R false null null 1"),
        (b"9,]", b"b", 0, "R false null null 1"),
        (b"\\n{\\~", b" \x7fz\x00aa", 5, "C number expected"),
        (b"].}]\\\\\xe9", b"0 _\x0a", 1, "C letter expected"),
        (b"9", b"a\x09z", 0, "R false null null 1"),
        (b"^0\\l\x7f,\\b", b"0\x7f]]", 2, "C letter expected"),
        (b"+b\\*\\z", b"bb_\x01b\x7f", 0, "R false null null 1"),
        (b"\x7f:", b"abaA\xe9a\x00-", 0, "C letter expected"),
        (b"*^\\xa]~[a\\t", b"a^\xe9-z", 0, "C letter expected"),
        (b"+.\\u\\ -\\\xe9", b" a!00b0\x7f!", 0, "R false null null 1"),
        (b"az\x01|]", b"bb \x0aa", 0, "C letter expected"),
        (b"\\x -^z:*", b"a", 1, "R false null null 1"),
        (b"\\t\\b[", b"", 0, "C letter expected"),
        (b"!:a", b"-a\x00\xe9\x7f\x01a_0", 0, "R false null null 1"),
        (b"b\\f~\\u", b"zb", 2, "R false null null 1"),
        (b"\\m,(]", b"\x01aaa", 0, "R false null null 1"),
        (b"|^a:?-", b"", 0, "R false null null 1"),
        (b"$-\\,\x01\x7f^$*", b"\x0aa a!\x00", 0, "C letter expected"),
        (b"\x01\\va[", b"-!   ^\x00", 0, "C letter expected"),
        (b"b\\x\\f,-]]\\n", b"--", 0, "R false null null 1"),
        (b"a[^\\x\\b(", b"\xe9\x01\xe9-", 0, "C letter expected"),
        (b"\\d9^a[b+\\n\x01", b"A]\x00", 0, "C letter expected"),
        (b"^],!\\\xe9a+", b"0b\x01  !", 0, "R false null null 1"),
        (b"(\\f\x7f~$+\\p{]", b"\x7f\x00ab", 0, "C letter expected"),
        (b"\\\x00]\\b,\\d$", b"\x7f-", 0, "C letter expected for argument of escape sequence"),
        (b"{\x7f", b"\x09 ", 2, "C letter expected"),
        (b"\\\xe9\\\x00 {^", b"ab^\x01\x00", 5, "C letter expected for argument of escape sequence"),
        (b"-", b"\x01\x7f\xe9 a]ba", 0, "R false null null 1"),
        (b"[\\\x00b :", b"b]\x7fb0\x00aa", 5, "C letter expected for argument of escape sequence"),
        (b"^$)]\\m*(", b"- !__\x7f\x00", 2, "C unexpected character"),
        (b"b?[\\l\x01}", b"\x01 ]\x09A_ab\x00b", 0, "C letter expected"),
        (b"](?]{a\\b{", b"\xe9b\x09-", 0, "C expected paren"),
        (b"-b}\\xa\\b\\b,", b"", 0, "R false null null 1"),
        (b"~\\u\\b{\\xa0", b"\x09!b\xe9z\x01\x0aaa", 8, "C number expected"),
        (b"+\\t", b"za\xe9A", 1, "R false null null 1"),
        (b"+\\x+", b"\x09 b^aa\x7f\x00\x00", 0, "R false null null 1"),
        (b"+", b"", 0, "R false null null 1"),
        (b"\\t", b"\x01Aa0\xe9\x7f", 0, "R false null null 1"),
        (b"a", b"^\x01] b\x01^b", 4, "R false null null 1"),
        (b"c {\\aab\\a", b"c)b", 3, "C number expected"),
        (b"(0|}1x^", b"\x0ab\x0ab)", 0, "C expected paren"),
        (b"1xa2c\\n1(b?", b"a-x(bab", 1, "C expected paren"),
        (b")\\m()\\.{2}}[^ab]0c(", b"( 1aab(", 0, "C letter expected"),
        (b"\\a{]?*a[a-c]\\nb\\(", b"c", 1, "C number expected"),
        (b"-(0[{0,}", b"ba(1", 1, "C letter expected"),
        (b"|a\\w3\\.{1,2}a\\n{[", b"b(aabxa(x-", 5, "C number expected"),
        (b"32]a[^ab]a(?:x-", b"ca", 0, "C expected paren"),
        (b"\\b[^ab]", b"bcbacxaccca", 0, "R false null null 1"),
        (b"}(\\ac[]c", b"cc-c\x0aaxa)-ab", 0, "C empty class"),
        (b"{2}|\\m()0$", b")aa", 0, "R false null null 1"),
        (b"\\wb\\a{2}^bx}", b"a", 0, "R false null null 1"),
        (b"a\\B\\w.(", b")ac)-b ca1b", 0, "C letter expected"),
        (b"\\d-b\\d\\w|)[a-c]", b"", 0, "R false null null 1"),
        (b"c\\d ccbbb2\\n", b"cxcb a", 0, "R false null null 1"),
        (b"(?:a2", b")b\x0a11c1\x0a ", 0, "C expected paren"),
        (b"b.c\\w", b")ca\x0acca", 0, "R false null null 1"),
        (b"(0]|c\\m()^c", b"bcx(c-c1b\x0aac", 7, "C expected paren"),
        (b"x{1,2}b?", b"cbab)-b( ", 2, "R false null null 1"),
        (b"c", b"b(ab c", 0, "R false 5,6 (5,6) 1"),
        (b"c[\\s\\Bc\\a[^ab]", b")1x", 0, "R false null null 1"),
        (b".(?:", b"bac1", 1, "C letter expected"),
        (b"a[a-c]{1,2}*)", b"b- 1c1xcc (\x0a", 0, "C unexpected character"),
        (b"0(", b"1cccac", 0, "C letter expected"),
        (b")[a-c][\\(? ", b"cacab(b)", 0, "C letter expected"),
        (b"[]ac\\b^", b"-ca((a-c\x0acca", 0, "C empty class"),
        (b"b|b?^bc", b"bcc1", 0, "R false 0,1 (0,1) 1"),
        (b".ca:+[", b"", 0, "C letter expected"),
        (b"\\B1b+{\\n", b"acc", 0, "R false null null 1"),
        (b"*a2\\b$*1a\\(3", b"bccxc\x0aabb\x0a", 0, "R false null null 1"),
        (b"\\n\\a1(?:${2}\\B^", b"1b1)\x0abab", 0, "C expected paren"),
        (b"{0,}-}", b"acc cccabc", 0, "R false null null 1"),
        (b"\\d)[^ab]?a.c{0,}{0,}", b"", 0, "C unexpected character"),
        (b"\\w,(", b"ba1c-b)\x0abbbx", 0, "C letter expected"),
        (b"c(?::\\wa|\\da1", b"bb)", 0, "C expected paren"),
        (b"\\s.\\b](?:-c3[a-c]", b"abb", 0, "C expected paren"),
        (b"(0 xc,|cb[a-c]", b"bcaxbc -\x0aa", 0, "C expected paren"),
        (b"{1,2}\\a([a-c][a-c]0x:)\\a", b"(x(", 0, "R false null null 2"),
        (b"].b\\(0a", b"ba", 1, "R false null null 1"),
        (b"{0,}c(?:\\s$\\bc", b"-c", 0, "C expected paren"),
        (b"\\(^b\\B", b"x", 0, "R false null null 1"),
        (b"c\\n", b"\x0a", 0, "R false null null 1"),
        (b"b[^ab]).[a-c]c{1,2}\\m()a", b"1aab", 4, "C unexpected character"),
        (b"\\n,c^[baxa{", b"bc1\x0axb(a1c", 0, "C letter expected"),
        (b"[^ab]|c\\b\\n", b"aca(aa -(b", 0, "R false 1,2 (1,2) 1"),
        (b"\\.", b"a(\x0a-)bbax", 7, "R false null null 1"),
        (b":", b")ac)))(c(c-", 0, "R false null null 1"),
        (b"aa\\b", b"1c\x0a(c(b", 0, "R false null null 1"),
        (b"-b", b"a(-a\x0ac a", 7, "R false null null 1"),
        (b"^-(1", b"bcx", 0, "C expected paren"),
        (b"b\\s?{2c{1,2}c", b"b(", 0, "R false null null 1"),
        (b"abb\\d[^ab]\\(", b"caacxc\x0aca(1", 0, "R false null null 1"),
        (b"c2\\B\\.2 b", b"b", 0, "R false null null 1"),
        (b"\\s(aa(?:($\\b", b"c", 0, "C expected paren"),
        (b"a,", b"b-", 0, "R false null null 1"),
        (b"3?]\\(", b")xbbba", 0, "R false null null 1"),
        (b"[a-c]b", b"-)a)aa)) cx", 0, "R false null null 1"),
        (b")x", b"1(a--a ", 5, "R false null null 1"),
        (b"(\\d1*b?c[a-c]", b" baa", 0, "C expected paren"),
        (b"+)[^ab]bc[", b"b-cbxb(ccb", 1, "C unexpected character"),
    ];
    for &(pattern, text, start, want) in cases {
        let got = summary(pattern, text, start);
        assert_eq!(got, want, "{:?} on {:?}", pattern.escape_ascii().to_string(), text.escape_ascii().to_string());
    }
}

#[test]
fn conformance_suite_expectations() {
    // std_regexp.nut
    let mut date = Regexp::new(br"(\d+)-(\d+)-(\d+)").unwrap();
    assert_eq!(date.is_match(b"2024-01-15"), Ok(true));
    assert_eq!(date.is_match(b"x2024-01-15"), Ok(false));
    assert_eq!(date.subexpcount(), 4);
    let src = b"on 2024-01-15 at noon";
    assert_eq!(date.search(src, 0), Ok(Some((3, 13))));
    assert_eq!(date.capture(src, 0), Ok(Some(vec![(3, 13), (3, 7), (8, 10), (11, 13)])));
    assert_eq!(date.search(b"no date here", 0), Ok(None));
    let mut word = Regexp::new(b"[a-zA-Z]+").unwrap();
    let (mut pos, mut found) = (0, Vec::new());
    while let Ok(Some((b, e))) = word.search(b"one, two; three", pos) {
        found.push((b, e));
        pos = e;
    }
    assert_eq!(found, [(0, 3), (5, 8), (10, 15)]);
    assert_eq!(Regexp::new(b"(").unwrap_err().to_string(), "letter expected");
}

#[test]
fn captures_persist_between_calls() {
    // A tokenizer loop, as run by the reference: a branch not taken in this call
    // keeps (here: was reset by) earlier attempts.
    let mut re = Regexp::new(br"(\d+)|([a-z]+)").unwrap();
    let text = b"12 ab 34 cd";
    let mut pos = 0;
    let mut seen = Vec::new();
    while let Ok(Some(spans)) = re.capture(text, pos) {
        pos = spans[0].1;
        seen.push(spans);
    }
    assert_eq!(
        seen,
        [
            vec![(0, 2), (0, 2), (0, 0)],
            vec![(3, 5), (0, 0), (3, 5)],
            vec![(6, 8), (6, 8), (0, 0)],
            vec![(9, 11), (0, 0), (9, 11)],
        ]
    );
    let mut re = Regexp::new(b"(a)|b").unwrap();
    assert_eq!(re.capture(b"a", 0), Ok(Some(vec![(0, 1), (0, 1)])));
    assert_eq!(re.capture(b"b", 0), Ok(Some(vec![(0, 1), (0, 0)])));
    // "b|(a)": group 1 is never reached on "b", so the earlier record stays.
    let mut re = Regexp::new(b"b|(a)").unwrap();
    assert_eq!(re.capture(b"xab", 0), Ok(Some(vec![(1, 2), (1, 2)])));
    assert_eq!(re.capture(b"xab", 2), Ok(Some(vec![(2, 3), (1, 2)])));
}

#[test]
fn out_of_range_starts_find_nothing() {
    let mut re = Regexp::new(b"a*").unwrap();
    assert_eq!(re.search(b"aa", 2), Ok(None));
    assert_eq!(re.search(b"aa", 3), Ok(None));
    assert_eq!(re.capture(b"aa", usize::MAX), Ok(None));
}

#[test]
fn unbounded_repetition_stops_after_65536() {
    let text = vec![b'a'; 70_000];
    let mut re = Regexp::new(b"a*").unwrap();
    assert_eq!(re.search(&text, 0), Ok(Some((0, 65_536))));
    let mut re = Regexp::new(b"a{65535}").unwrap();
    assert_eq!(re.search(&text, 0), Ok(Some((0, 65_536))));
}

#[test]
fn empty_iterations_settle_quickly() {
    // The reference loops 65536 times per level here; we settle at once.
    let mut re = Regexp::new(b"((a*)*)*b").unwrap();
    re.set_step_budget(100_000);
    assert_eq!(re.search(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxb", 0), Ok(Some((40, 41))));
}

#[test]
fn runaway_matches_end_with_an_error() {
    // Each repetition looks ahead at the group after it, which repeats and looks
    // ahead in turn: exponential in the nesting.
    let mut re = Regexp::new(b"(a+(a+(a+(a+(a+(a+(a+(a+(a+(a+c))))))))))").unwrap();
    re.set_step_budget(5_000_000);
    let text = vec![b'a'; 60];
    let started = std::time::Instant::now();
    assert_eq!(re.search(&text, 0), Err(MatchError::StepBudget));
    assert!(started.elapsed().as_secs() < 30);
    // Chains of repetitions recurse through their look-aheads.
    let mut re = Regexp::new(&b"a+".repeat(3000)).unwrap();
    assert_eq!(re.search(&[b'a'; 3000], 0), Err(MatchError::TooDeep));
    let nested = [&b"(".repeat(500)[..], b"a", &b")".repeat(500)].concat();
    assert_eq!(Regexp::new(&nested).unwrap_err(), CompileError::TooDeep);
}

fn pattern_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        4 => prop::sample::select(b"ab()[]^$.|*+?{},-:\\0123mdwsbB".to_vec()),
        1 => any::<u8>(),
    ];
    prop::collection::vec(token, 0..24)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn never_panics_and_always_ends(pattern in pattern_bytes(),
            text in prop::collection::vec(prop::sample::select(b"ab()- \0x1".to_vec()), 0..40),
            start in 0usize..45) {
        if let Ok(mut re) = Regexp::new(&pattern) {
            re.set_step_budget(200_000);
            let ok = |r: Result<(), MatchError>| r.is_ok() || r.is_err();
            prop_assert!(ok(re.is_match(&text).map(drop)));
            if let Ok(Some((b, e))) = re.search(&text, start) {
                prop_assert!(start <= b && b <= e && e <= text.len());
            }
            if let Ok(Some(spans)) = re.capture(&text, start) {
                prop_assert_eq!(spans.len(), re.subexpcount());
                prop_assert!(spans.iter().all(|&(b, e)| b <= e && e <= text.len()));
            }
        }
    }
}

/// Well-formed patterns of the elements `first_bytes` looks through (alternations,
/// non-capturing groups, repetitions) and of those that stop it (capturing groups,
/// anchors, optional elements).
fn alternation_pattern() -> impl Strategy<Value = Vec<u8>> {
    let quantified = |atom: BoxedStrategy<Vec<u8>>| {
        (atom, prop::sample::select(vec![&b""[..], b"", b"", b"+", b"*", b"?"])).prop_map(|(a, q)| [&a[..], q].concat())
    };
    let leaf = prop::sample::select(vec![&b"a"[..], b"b", b"x", b"[ab]", b".", b"\\b"]).prop_map(<[u8]>::to_vec);
    let sequence = |element: BoxedStrategy<Vec<u8>>| prop::collection::vec(element, 1..3).prop_map(|s| s.concat());
    let alternation = |branch: BoxedStrategy<Vec<u8>>| prop::collection::vec(branch, 1..4).prop_map(|a| a.join(&b'|'));
    let simple = quantified(leaf.clone().boxed()).boxed();
    let open = prop::sample::select(vec![&b"("[..], b"(?:"]);
    let group =
        (open, alternation(sequence(simple.clone()).boxed())).prop_map(|(o, body)| [o, &body[..], b")"].concat());
    let element = prop_oneof![simple, quantified(group.boxed())].boxed();
    prop::collection::vec(sequence(element), 2..4).prop_map(|a| a.join(&b'|'))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20000))]
    /// Skipping the start positions `first_bytes` rules out gives what trying them
    /// gives: the same matches and the same captures, over calls that carry captures
    /// from one to the next.
    #[test]
    fn skipped_starts_change_nothing(pattern in prop_oneof![1 => pattern_bytes(), 3 => alternation_pattern()],
            texts in prop::collection::vec(
                prop::collection::vec(prop::sample::select(b"abx \0".to_vec()), 0..12), 1..6),
            start in 0usize..4) {
        if let Ok(mut skipping) = Regexp::new(&pattern) {
            let mut trying = skipping.clone();
            trying.first_bytes = None;
            for text in &texts {
                let (a, b) = (skipping.capture(text, start), trying.capture(text, start));
                if a.is_ok() && b.is_ok() {
                    prop_assert_eq!(a, b, "{:?} on {:?}", String::from_utf8_lossy(&pattern), text);
                }
            }
        }
    }
}

/// A start where the first bytes rule a match out is skipped only when trying it would
/// leave no trace: here trying "x" resets group 1, which the match through `b` never
/// reaches, so "x" must be tried.
#[test]
fn starts_that_reset_a_group_are_tried() {
    let mut re = Regexp::new(b"b|(a)").unwrap();
    assert_eq!(re.capture(b"a", 0), Ok(Some(vec![(0, 1), (0, 1)])));
    assert_eq!(re.capture(b"xb", 0), Ok(Some(vec![(1, 2), (0, 0)])));
    let mut re = Regexp::new(b"timeout|(?:re)+fused").unwrap();
    assert_eq!(re.first_bytes.map(|set| (0..=255).filter(|&c| set.contains(c)).collect()), Some(b"rt".to_vec()));
    assert_eq!(re.search(b"conn refused", 0), Ok(Some((5, 12))));
}
