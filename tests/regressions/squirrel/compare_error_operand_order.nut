// A comparison in a condition once compiled `a > b` as `b < a`, so its error named
// the operands in reverse ("comparison between '1' and 'bool'").
local c = 1;
try { print((false >= c) ? "y" : "n"); } catch(e) print(e + "\n");
try { if (false > c) print("y"); } catch(e) print(e + "\n");
try { if (c < "x") print("y"); } catch(e) print(e + "\n");
try { if ("x" <= c) print("y"); } catch(e) print(e + "\n");
try { if ([] > c) print("y"); } catch(e) print(e + "\n");
try { if ([] > 1) print("y"); } catch(e) print(e + "\n");
try { if (1 > []) print("y"); } catch(e) print(e + "\n");
try { print(c > {}); } catch(e) print(e + "\n");
try { while (c >= "a") break; } catch(e) print(e + "\n");
try { for (local i = 0; i < "a"; i++) ; } catch(e) print(e + "\n");
try { for (local i = 0; "a" > i; i++) ; } catch(e) print(e + "\n");
try { print((c <=> true)); } catch(e) print(e + "\n");
