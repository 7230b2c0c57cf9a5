// What representative objects cost in imp bytes on an imp001 (the imp profile's
// calibrated model, vm/src/heap/footprint.rs): runtime objects count, code does not.
// Free memory at boot is the imp001's 85 KB (87040) less only the objects this file's
// main function made (the class and the function it declares): this file's code and
// literals are the imp's program storage, as are those of the long function below,
// which costs what a one-line function costs, a closure.
class Point {
    x = 0;
    y = 0;
    constructor(px, py) { x = px; y = py; }
    function sum() { return x + y; }
}

function cost(make) {
    local before = imp.getmemoryfree();
    local kept = make();
    local after = imp.getmemoryfree();
    return before - after;
}

server.log("free at boot: " + imp.getmemoryfree());
server.log("empty table: " + cost(@() {}));
server.log("table of 5: " + cost(@() {a = 1, b = 2, c = 3, d = 4, e = 5}));
server.log("array of 3: " + cost(@() [1, 2, 3]));
server.log("runtime string of 10: " + cost(@() "abcde" + "fghij"));
server.log("literal string: " + cost(@() "a literal, already in program storage"));
server.log("instance: " + cost(@() Point(1, 2)));
server.log("blob(100): " + cost(@() blob(100)));
server.log("short function: " + cost(@() function() { return 1; }));
server.log("long function: " + cost(@() function() {
    local s = "a long literal string that the program image holds, not the heap";
    local t = "another long literal string of the same kind, also in the image";
    local n = 0;
    for (local i = 0; i < 10; i++) n += s.len() + t.len() + i * 3 - 7;
    if (n > 100) n = n / 2; else n = n * 2;
    return [s, t, n];
}));
server.log("closure with 2 outers: " + cost(function() { local a = 1, b = 2; return @() a + b; }));
server.log("class with 2 methods: " + cost(@() class { v = 1; function f() { return v; } function g() { return 2; } }));
