// The partner of Echo.agent.test.nut: no test cases; three pings a second apart, from
// 3 s (after the agent test's setUp has listened, 2 s after boot).
local sent = 0;
function ping() {
    agent.send("ping", ++sent);
    if (sent < 3) imp.wakeup(1, ping);
}
imp.wakeup(3, ping);
