// Table iteration order on the imp follows Squirrel 3.0's string hash (from the first
// byte, 32-bit, unsigned chars). Expected output: Squirrel 3.1's first commit (85dfe4b,
// the hash 3.0 shipped) built 32-bit with -funsigned-char (the imp is an ARM part).
function keys(t) {
    local s = "";
    foreach (k, v in t) s += k + " ";
    print(s + "\n");
}
keys({i1 = "a", i2 = "b"});
keys({one = 1, two = 2, three = 3, four = 4, five = 5, six = 6, seven = 7});
keys({id = 1, name = "x", value = 2.5, type = "t", enabled = true, tags = [], data = null});
local t = {};
foreach (w in ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
               "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau"]) t[w] <- 1;
keys(t);
delete t.gamma; delete t.alpha; delete t.theta;
t.omega <- 1;
keys(t);
local long = {};
long["a_key_that_is_exactly_thirty_two"] <- 1;
long["a_very_long_key_name_that_is_over_32_bytes_long"] <- 2;
long["another_very_long_key_name_that_is_over_64_bytes_long_for_a_step_of_two"] <- 3;
long["a_very_long_key_name_that_is_over_32_bytes_lonG"] <- 4;
long["short"] <- 5;
keys(long);
local high = {};
high["\xc3\xa9t\xc3\xa9"] <- 1; high["caf\xc3\xa9"] <- 2; high["na\xefve"] <- 3; high["abc"] <- 4; high["\xff\xfe"] <- 5;
local s = "";
foreach (k, v in high) s += v + " ";
print(s + "\n");
local mixed = {};
for (local i = 0; i < 12; i++) { mixed["k" + i] <- i; mixed[i] <- i; }
s = "";
foreach (k, v in mixed) s += k + " ";
print(s + "\n");
class Point { x = 0; y = 0; z = 0; label = ""; }
s = "";
foreach (k, v in Point) s += k + " ";
print(s + "\n");
