// A UTF-8 byte-order mark at the start of a file was read as source ("expected 'while'");
// the reference's file loader skips it.
print("bom\n")
