// imp profile: 32-bit integers wrap around.
print((2147483647 + 1) + "\n")
print((-2147483647 - 2) + "\n")
print((65536 * 65536) + " " + (0x7fffffff * 2) + "\n")
print(0xFFFFFFFF + " " + _intsize_ + "\n")
print(format("%x %d %u", -1, -1, 0x80000000) + "\n")
print(swap4(0x11223344) + " " + swap4(0x000000ff) + " " + castf2i(-1.0) + "\n")
print(math.abs(-2147483647 - 1) + "\n")
