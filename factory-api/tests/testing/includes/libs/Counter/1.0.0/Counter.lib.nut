class Counter {
    value = 0;
    constructor(start) { value = start; }
    function next() { return ++value; }
}
