// Tables large enough for an aligned node array (64 nodes or more) and small ones, with
// keys of every scalar type: growth, lookups, deletion down to a shrink, clone and
// clear, and iteration order, which follows where the nodes hold their keys.
local t = {};
for (local i = 0; i < 300; i++) {
    t[i * 7] <- i;
    t["k" + i] <- -2 * i;
}
t[1.5] <- "float";
t[-0.0] <- "negative zero";
t[true] <- "bool";
local sum = 0;
foreach (k, v in t) if (typeof v == "integer") sum += v;
print("len " + t.len() + " sum " + sum + " 2086:" + t[2086] + " k299:" + t["k299"] + " 1.5:" + t[1.5] + "\n");
for (local i = 0; i < 290; i++) {
    delete t[i * 7];
    delete t["k" + i];
}
local order = [];
foreach (k, v in t) order.push(k);
print("after delete " + t.len() + ": " + order.len() + " keys, first " + order[0] + ", last " + order[order.len() - 1] + "\n");
local c = clone t;
local same = true;
foreach (k, v in t) if (!(k in c) || c[k] != v) same = false;
print("clone " + c.len() + " same " + same + " in:" + (2030 in c) + " " + ("k295" in c) + " " + (7 in c) + "\n");
local keys = "";
local small = { a = 1, b = 2, c = 3 };
small[4] <- 4;
small[0.25] <- 5;
foreach (k, v in small) keys += k + "=" + v + " ";
print(keys + "\n");
t.clear();
print("cleared " + t.len() + " " + ("k299" in t) + "\n");
