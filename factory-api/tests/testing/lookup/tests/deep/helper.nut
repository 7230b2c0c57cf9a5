function helper() { return "helper"; }
