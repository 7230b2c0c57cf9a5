// A comparator that empties the array and collects once freed the tables the sort
// held; the warm inline cache of readx then read freed memory.
local arr = [];
for (local i = 0; i < 8; i++) arr.append({x = i});
function readx(a) { return a[5].x; }
for (local i = 0; i < 100; i++) readx(arr);
local first = true;
arr.sort(function(a, b) {
  if (first) { first = false; arr.clear(); collectgarbage(); }
  return a.x <=> b.x;
});
for (local i = 0; i < 30; i++) { local t = {x = 100 + i}; }
print(arr.len() + " " + readx(arr) + "\n");
