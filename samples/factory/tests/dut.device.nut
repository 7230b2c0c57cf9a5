// The partner of dut.agent.test.nut: plays the DUT reporting a failed unit, as soon as it
// boots (after a deploy the device boots 3 s after the agent, whose test listens from 2 s;
// before the unit code's own result, half a second after boot).
agent.send("dut.result", {
    deviceId = hardware.getdeviceid(),
    mac = "0c2a690a1b2c",
    passed = false,
    failures = ["loopback: pinB does not follow pinA (wrote 1)"]
});
