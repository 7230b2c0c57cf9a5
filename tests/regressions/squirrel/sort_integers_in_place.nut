// The default sort of an array of integers only sorts them as words in the array's
// own buffer; an array with any other element sorts by comparisons.
local a = [5, -3, 0x7fffffffffffffff, 9, -0x7fffffffffffffff - 1, 5, 0, -3, 1, 42];
a.sort();
local s = "";
foreach (v in a) s += v + " ";
print(s + "\n");
local one = [7];
one.sort();
local none = [];
none.sort();
print(one[0] + " " + none.len() + "\n");
local big = [];
local seed = 7;
for (local i = 0; i < 5000; i++) {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  big.push(seed % 1000 - 500);
}
big.sort();
local ok = true;
for (local i = 1; i < big.len(); i++) if (big[i - 1] > big[i] || typeof big[i] != "integer") ok = false;
print(ok + " " + big[0] + " " + big[4999] + "\n");
local mixed = [3, 1.5, 2, -1];
mixed.sort();
s = "";
foreach (v in mixed) s += v + " ";
print(s + "\n");
