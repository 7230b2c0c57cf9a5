// On the agent, server.error is an agent.error line.
class AgentErrorTest extends ImpTestCase {
    function testAgentErrorFails() {
        server.error("agent trouble");
    }
}
