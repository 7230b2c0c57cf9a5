function extra() { return "extra"; }
