// Closures made and dropped in a loop across many collections (their outer lists are
// recycled): the survivors keep their own outers, with one, two, three and five each.
function one(a) { return function() { return a; }; }
function two(a, b) { return function() { return a * 10 + b; }; }
function three(a, b, c) { return function() { return a * 100 + b * 10 + c; }; }
function five(a, b, c, d, e) { return function() { return a + b + c + d + e; }; }
local kept = [];
local sum = 0;
for (local i = 0; i < 40000; i++) {
    local fs = [one(i), two(i % 10, 3), three(1, i % 10, 2), five(i, 1, 2, 3, 4)];
    foreach (f in fs) sum += f();
    if (i % 5000 == 0) {
        kept.extend(fs);
        collectgarbage();
    }
}
local check = "";
foreach (f in kept) check += f() + ",";
print(sum + "\n" + check + "\n");
