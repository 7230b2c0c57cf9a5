// funcarrays.nut - array slicing and map/filter/reduce: readings sliced into
// windows, mapped to calibrated values, filtered by a threshold, reduced to sums
// and maxima; arrays extended, reversed, searched, inserted into and removed from.
// Measures: array natives taking script callbacks (map, filter, reduce, apply),
// slice, extend, reverse, find, insert/remove, push/pop.
local readings = [];
for (local i = 0; i < 512; i++) readings.push((i * 7919) % 1024);

local ROUNDS = 8000;
local check = 0;
for (local r = 0; r < ROUNDS; r++) {
    local off = r % 64;
    for (local w = 0; w < 8; w++) {
        local win = readings.slice(off + w * 48, off + w * 48 + 64);
        local cal = win.map(@(v) v * 3 + r);
        local big = cal.filter(@(i, v) v > 1500);
        local sum = big.len() > 0 ? big.reduce(@(a, b) a + b) : 0;
        local mx = cal.reduce(@(a, b) a > b ? a : b);
        check = (check * 7 + sum + mx + big.len()) & 0xFFFFFFF;
    }
    local copy = readings.slice(0, 100);
    copy.extend(readings.slice(400));
    copy.reverse();
    copy.apply(@(v) v >> 1);
    local at = copy.find(readings[r % 100] >> 1);
    copy.insert(3, r);
    copy.remove(10);
    local top = copy.pop();
    copy.push(top + 1);
    check = (check + copy.len() * 1000 + (at == null ? -1 : at) + copy[3] + copy.top()) & 0xFFFFFFF;
}
print(format("check=%d\n", check));
