// json.nut - JSON encode and decode of nested tables: a recursive encoder with
// sorted keys and escapes, a recursive-descent decoder over string bytes, and a
// round trip checked for equality.
// Measures: recursion, typeof dispatch, string concatenation and slicing,
// string byte indexing, table and array building, key sorting.
function esc(s) {
    local out = "", start = 0, n = s.len();
    for (local i = 0; i < n; i++) {
        local c = s[i];
        if (c == '"' || c == '\\') {
            out += s.slice(start, i) + "\\" + c.tochar();
            start = i + 1;
        } else if (c == '\n') {
            out += s.slice(start, i) + "\\n";
            start = i + 1;
        }
    }
    return out + s.slice(start);
}

function encode(v) {
    switch (typeof v) {
    case "table":
        local keys = [];
        foreach (k, _ in v) keys.push(k);
        keys.sort();
        local out = "{";
        foreach (i, k in keys) {
            if (i > 0) out += ",";
            out += "\"" + esc(k) + "\":" + encode(v[k]);
        }
        return out + "}";
    case "array":
        local out = "[";
        foreach (i, x in v) {
            if (i > 0) out += ",";
            out += encode(x);
        }
        return out + "]";
    case "string": return "\"" + esc(v) + "\"";
    case "integer": return v.tostring();
    case "bool": return v ? "true" : "false";
    case "null": return "null";
    }
    throw "cannot encode " + typeof v;
}

class Parser {
    s = null;
    pos = 0;
    constructor(text) { s = text; }
    function value() {
        local c = s[pos];
        if (c == '{') {
            pos++;
            local t = {};
            if (s[pos] == '}') { pos++; return t; }
            while (true) {
                local k = str();
                pos++;
                t[k] <- value();
                if (s[pos++] == '}') return t;
            }
        }
        if (c == '[') {
            pos++;
            local a = [];
            if (s[pos] == ']') { pos++; return a; }
            while (true) {
                a.push(value());
                if (s[pos++] == ']') return a;
            }
        }
        if (c == '"') return str();
        if (c == 't') { pos += 4; return true; }
        if (c == 'f') { pos += 5; return false; }
        if (c == 'n') { pos += 4; return null; }
        local start = pos;
        if (c == '-') pos++;
        while (pos < s.len() && s[pos] >= '0' && s[pos] <= '9') pos++;
        return s.slice(start, pos).tointeger();
    }
    function str() {
        pos++;
        local out = "", start = pos;
        while (true) {
            local c = s[pos];
            if (c == '"') break;
            if (c == '\\') {
                local e = s[pos + 1];
                out += s.slice(start, pos) + (e == 'n' ? "\n" : e.tochar());
                pos += 2;
                start = pos;
            } else pos++;
        }
        out += s.slice(start, pos);
        pos++;
        return out;
    }
}

function record(i) {
    return {
        id = i,
        name = "dev-" + i,
        tags = ["alpha", "q\"uote", "line\nbreak", "back\\slash"],
        reading = { temp = i * 7 % 100 - 20, ok = i % 3 != 0, raw = [i, i * 2, -i * 3] },
        owner = null,
        empty = [],
    };
}

local N = 3000;
local total = 0, check = 0;
for (local i = 0; i < N; i++) {
    local items = [];
    for (local j = 0; j < 6; j++) items.push(record(i * 6 + j));
    local doc = { batch = i, items = items, meta = { source = "line " + (i % 5), count = 6, nested = { deep = { deeper = [1, [2, [3]]] } } } };
    local text = encode(doc);
    local again = encode(Parser(text).value());
    if (again != text) throw "round trip differs at " + i;
    total += text.len();
    check = (check * 31 + text[text.len() / 2]) & 0xffffff;
}
print(total + " " + check + "\n");
print(encode(record(7)) + "\n");
