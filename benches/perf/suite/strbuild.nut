// strbuild.nut - string building and formatting: CSV rows assembled by
// concatenation, upper/lower casing, find and slice of fields, character-wise
// reversal and a hex dump, all folded into a rolling hash.
// Measures: new short strings (interning), concatenation, slice, find,
// toupper/tolower, tostring of integers, tochar, string length and indexing.
local names = ["sensor", "Relay", "pump", "VALVE", "heater", "Fan", "door", "Light"];
local hex = "0123456789abcdef";
local N = 300000;
local h = 0, total = 0, found = 0;
for (local i = 0; i < N; i++) {
    local name = names[i % 8];
    local row = name.toupper() + "," + i + "," + (i * 37 % 1000) + "," + name.tolower() + "-" + (i % 17);
    local c1 = row.find(",");
    local c2 = row.find(",", c1 + 1);
    local field = row.slice(c1 + 1, c2);
    if (field.tointeger() != i) throw "bad field";
    if (row.find("-1") != null) found++;
    local rev = "";
    for (local j = name.len() - 1; j >= 0; j--) rev += name[j].tochar();
    local dump = "";
    for (local j = 0; j < 4; j++) {
        local b = (i >> (j * 4)) & 0xff;
        dump += hex.slice(b >> 4, (b >> 4) + 1) + hex.slice(b & 15, (b & 15) + 1) + " ";
    }
    local line = "[" + rev + "] " + dump + row;
    total += line.len();
    h = (h * 33 + line[line.len() / 3] + line.len()) & 0xffffffff;
}
print(format("total=%d found=%d hash=%d\n", total, found, h));
