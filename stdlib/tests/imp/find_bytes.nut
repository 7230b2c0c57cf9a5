// string.find on the imp is byte-exact: SPIFlashFileSystem finds a free page by
// searching its page map (bytes 0-3, a blob's tostring()) for "\x00", and its tests
// pass on real imps (stock Squirrel's strstr stops at the first NUL, so would find
// "\x00" everywhere). Expected output: a byte-exact search (memmem), as that implies.
print(("page" + "\x01\x03\x00\x02").find("\x00") + "\n");
print("\x01\x00\x02\x00".find("\x00", 2) + "\n");
print("ab\x00cd".find("cd") + "\n");
print("ab\x00cd".find("b\x00c") + "\n");
print(("\x01\x01".find("\x00") == null) + "\n");
print("abc".find("") + "\n");
