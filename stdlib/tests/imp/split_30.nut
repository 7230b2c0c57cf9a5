// split() on the imp is Squirrel 3.0's, which tokenised with C strtok: runs of
// separators are one break and no piece is empty. Dev Center, "split()": it "treats
// multiple instances of the separator as a single instance", split("a//b/c", "/") is
// ["a", "b", "c"]. Rocky's path routing relies on split("/a/b", "/") giving 2 pieces.
// Expected output: the Dev Center's example, and strtok's definition (C standard
// 7.24.5.8) applied to 3.0.4's sqstdstring.cpp _string_split, which copies the text as
// a C string and passes the separators to strtok (both end at a NUL), checked
// against glibc's strtok on the same inputs.
function show(a) {
    local s = a.len() + ":";
    foreach (p in a) s += " [" + p + "]";
    print(s + "\n");
}
show(split("a//b/c", "/"));
show(split("/a/b", "/"));
show(split("a//b/", "/"));
show(split("", ","));
show(split(",,,", ","));
show(split("k=v; x = y", "=; "));
show(split("one two\x00three", " "));
show(split("a\x00b", "\x00"));
