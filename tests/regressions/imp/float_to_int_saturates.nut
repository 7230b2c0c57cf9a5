// The imp's float->integer conversion once wrapped modulo 2^32 ((1e10).tointeger() was
// 1410065408), which no hardware does. The imp is an ARM part: VCVT saturates to the
// 32-bit range and gives 0 for NaN. (The 32-bit x86 sq gives -2147483648 for all of
// these; see tests/conformance-gaps.txt.)
foreach (f in [1e10, -1e10, 3e9, -2.5, math.sqrt(-1.0)]) {
    server.log(f.tointeger() + " " + format("%d", f));
}
server.log(math.abs(1e38) + " " + math.abs(-1e38));
