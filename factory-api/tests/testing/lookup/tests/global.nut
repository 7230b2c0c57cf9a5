function global() { return "global"; }
