// The partner of dut.agent.test.nut: plays the DUT reporting a failed unit.
imp.wakeup(5, function() {
    agent.send("dut.result", {
        deviceId = hardware.getdeviceid(),
        mac = "0c2a690a1b2c",
        passed = false,
        failures = ["loopback: pinB does not follow pinA (wrote 1)"]
    });
});
