function part() { return "part"; }
