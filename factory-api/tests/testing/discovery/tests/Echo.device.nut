// The partner of Echo.agent.test.nut: no test cases; three pings a second apart from
// 1.5 s after its boot. After a deploy the device boots 1 s after the agent, so the agent
// test's setUp (2 s after the agent's boot) already listens for the first.
local sent = 0;
function ping() {
    agent.send("ping", ++sent);
    if (sent < 3) imp.wakeup(1, ping);
}
imp.wakeup(1.5, ping);
