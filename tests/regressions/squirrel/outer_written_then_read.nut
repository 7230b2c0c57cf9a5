// An outer read straight after it is written (`seed = f(seed); return seed % n`)
// takes the value from the register that was stored instead of reading the outer
// back. Where a jump lands on the read (a loop's condition or step, a branch's join,
// `continue`), the register may hold something else: the read must stay.
local seed = 7, n = 0, log = [];
function rnd(k) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >> 8) % k;
}
function wrap() { seed = seed + 1; local t = seed; return t * 2; }
function post() { seed = 10; local a = seed++; local b = ++seed; return [a, b, seed]; }
function compound() { seed = 3; seed += seed; seed *= seed; return seed; }

// while: the body's last write is followed by the condition's read, entered by a jump.
function count_while() {
    n = 0;
    local other = 100;
    while (n < 5) { other = n + 50; n = n + 1; }
    return [n, other];
}
// for with continue: the step reads the outer the body wrote, and `continue` jumps there.
function count_for() {
    local s = 0;
    for (local i = 0; i < 6; n = n + i, i++) {
        if (i % 2) { n = -1; continue; }
        n = i * 10;
    }
    return n;
}
// A branch's join: the write on one path only.
function join(c) {
    n = 1;
    local x = 5;
    if (c) n = 99; else x = 42;
    return n + x;
}
// do-while: the condition reads the outer the body just wrote.
function dowhile() {
    n = 0;
    do { n = n + 3; } while (n < 20);
    return n;
}
// A different register: the write's value is moved, not re-read.
function other_reg() { seed = 5; local a = 1, b = seed; return a + b; }
// Generators and closures made later still see the last write.
function gen() { for (local i = 0; i < 3; i++) { seed = i * 7; yield seed; } }

for (local i = 0; i < 5; i++) log.push(rnd(100));
print(log.reduce(@(a, b) a + "," + b) + "\n");
print(wrap() + " " + seed + "\n");
local p = post();
print(p[0] + " " + p[1] + " " + p[2] + "\n");
print(compound() + "\n");
local w = count_while();
print(w[0] + " " + w[1] + "\n");
print(count_for() + "\n");
print(join(true) + " " + join(false) + "\n");
print(dowhile() + "\n");
print(other_reg() + "\n");
foreach (v in gen()) print(v + " ");
print(seed + "\n");
