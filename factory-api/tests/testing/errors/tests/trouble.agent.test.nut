// On the agent, server.error is an agent.error line: printed, failing nothing.
class AgentErrorTest extends ImpTestCase {
    function testAgentErrorIsPrinted() {
        server.error("agent trouble");
    }
}
