// The math functions once computed in double precision and rounded the result to the
// 32-bit float, where the reference calls the C library's float functions (sinf, powf,
// ...): each of these arguments then came out one unit in the last place off.
local one = [
    ["sin", sin, 0.0936099961], ["sin", sin, 0.101750001], ["cos", cos, 0.424759984],
    ["cos", cos, 0.798829973], ["tan", tan, 0.166869998], ["exp", exp, 2.37576985],
    ["log", log, 0.268619984], ["log10", log10, 0.00813999958], ["atan", atan, 0.190180004],
    ["asin", asin, 0.0214600004], ["acos", acos, 0.0196099989], ["sqrt", sqrt, 2.0],
    ["fabs", fabs, -1.5], ["floor", floor, -2.5], ["ceil", ceil, -2.5]
];
foreach (c in one) print(format("%s(%.9g) = %.9g\n", c[0], c[2], c[1](c[2])));
print(format("pow(%.9g, %.9g) = %.9g\n", 1.02120757, 1.40867996, pow(1.02120757, 1.40867996)));
print(format("pow(%.9g, %.9g) = %.9g\n", 1.02346814, 1.55883002, pow(1.02346814, 1.55883002)));
print(format("atan2(%.9g, %.9g) = %.9g\n", -299.760986, 1.5, atan2(-299.760986, 1.5)));
print(format("atan2(%.9g, %.9g) = %.9g\n", -299.639618, 1.5, atan2(-299.639618, 1.5)));
// Integers are converted to floats first.
print(format("%.9g %.9g %.9g\n", sin(1), pow(2, 10), sqrt(2)));
