// recursion.nut - deep recursion: a linked list 10,000 deep summed and mapped
// recursively, binary trees built and checked, Takeuchi's function, and a
// recursive-descent evaluator of generated arithmetic expressions.
// Measures: deep call stacks (stack growth), non-tail recursion, small-table
// allocation, string indexing in a parser.
function make_list(n) {
    local head = null;
    for (local i = n; i > 0; i--) head = { v = i, next = head };
    return head;
}
function list_sum(node) { return node == null ? 0 : node.v + list_sum(node.next); }
function list_depth_map(node, d) {
    if (node == null) return d;
    node.v = (node.v + d) & 0xFFFF;
    return list_depth_map(node.next, d + 1);
}

function tree(d) { return d == 0 ? { l = null, r = null } : { l = tree(d - 1), r = tree(d - 1) }; }
function check(t) { return t.l == null ? 1 : 1 + check(t.l) + check(t.r); }

function tak(x, y, z) { return y >= x ? z : tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)); }

class Eval {
    s = null; pos = 0;
    constructor(text) { s = text; }
    function expr() {
        local v = term();
        while (pos < s.len() && (s[pos] == '+' || s[pos] == '-')) {
            local op = s[pos++];
            local r = term();
            v = op == '+' ? v + r : v - r;
        }
        return v;
    }
    function term() {
        local v = factor();
        while (pos < s.len() && s[pos] == '*') { pos++; v *= factor(); }
        return v;
    }
    function factor() {
        if (s[pos] == '(') { pos++; local v = expr(); pos++; return v; }
        local v = 0;
        while (pos < s.len() && s[pos] >= '0' && s[pos] <= '9') v = v * 10 + s[pos++] - '0';
        return v;
    }
}
function gen(d, k) {
    if (d == 0) return (k % 9 + 1).tostring();
    local ops = ["+", "-", "*"];
    return "(" + gen(d - 1, k * 3 + 1) + ops[k % 3] + gen(d - 1, k * 7 + 2) + ")";
}

local ROUNDS = 100;
local total = 0;
for (local r = 0; r < ROUNDS; r++) {
    local list = make_list(10000);
    total += list_sum(list) + list_depth_map(list, r) + list_sum(list);
    total += check(tree(12));
    total += tak(18, 12, 6 + r % 2);
    local text = gen(9, r);
    total += Eval(text).expr() & 0xFFFFFF;
}
print(format("total=%d\n", total));
