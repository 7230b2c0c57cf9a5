// The partner of Echo.agent.test.nut: no test cases; three pings a second apart from its
// boot. After a deploy the device boots 3 s after the agent, so the agent test's setUp
// (2 s after the agent's boot) already listens for the first.
local sent = 0;
function ping() {
    agent.send("ping", ++sent);
    if (sent < 3) imp.wakeup(1, ping);
}
ping();
