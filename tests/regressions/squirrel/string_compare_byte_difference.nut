// String `<=>` once answered -1/0/1; the reference answers what x86-64 glibc's strcmp
// does: the difference of the first differing bytes, read unsigned, both strings ending
// at their first NUL.
foreach (pair in [["1e5", "A..."], ["a", "b"], ["abc", "ab"], ["ab", "abc"], ["", "z"],
                  ["a", "a"], ["\xff", "a"], ["a", "\xff"], ["a\x00b", "a\x00c"], ["a\x00b", "a"],
                  ["Z", "a"]]) {
    print((pair[0] <=> pair[1]) + " " + (pair[0] < pair[1]) + " " + (pair[0] >= pair[1]) + "\n");
}
