// hardware.voltage() and hardware.lightlevel() read what the input script sets: a
// 3.3 V supply and mid-scale light until it says otherwise.
function report() {
    server.log(format("%.2f V, light %d", hardware.voltage(), hardware.lightlevel()));
}
report();
imp.wakeup(5, report);
imp.wakeup(15, report);
