// The DUT's agent forwards the device's result to the fixture's agent. Its partner,
// dut.device.nut in this folder, plays the device: it sends a result five seconds in (the
// unit code under test may send its own too). The fixture's agent is this agent's own URL, so the
// requests come back to it.

class ForwardingTest extends ImpTestCase {
    received = null;

    function setUp() {
        received = [];
        imp.configparams.factory_fixture_url <- http.agenturl() + "/result";
        http.onrequest(function(request, response) {
            received.push(request);
            response.send(200, "OK");
        }.bindenv(this));
    }

    function testResultReachesTheFixture() {
        return Promise(function(resolve, reject) {
            local check = null;
            check = function() {
                local forwarded = null;
                foreach (request in received) {
                    if (request.body.find("0c2a690a1b2c") != null) forwarded = request;
                }
                if (forwarded == null) {
                    imp.wakeup(0.5, check);
                    return;
                }
                try {
                    assertEqual("POST", forwarded.method);
                    assertEqual("/result", forwarded.path);
                    local result = http.jsondecode(forwarded.body);
                    assertEqual(false, result.passed);
                    assertDeepEqual(["loopback: pinB does not follow pinA (wrote 1)"], result.failures);
                    resolve("forwarded " + forwarded.body.len() + " bytes");
                } catch (failure) {
                    reject(failure);
                }
            }.bindenv(this);
            check();
        }.bindenv(this));
    }
}
