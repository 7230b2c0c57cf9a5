// The DUT's agent forwards the device's result to the fixture's agent. Its partner,
// dut.device.nut in this folder, plays the device: it sends a result five seconds in.
// The fixture's agent is this agent's own URL, so the request comes back to it.

class ForwardingTest extends ImpTestCase {
    received = null;

    function setUp() {
        imp.configparams.factory_fixture_url <- http.agenturl() + "/result";
        http.onrequest(function(request, response) {
            received = request;
            response.send(200, "OK");
        }.bindenv(this));
    }

    function testResultReachesTheFixture() {
        return Promise(function(resolve, reject) {
            local check = null;
            check = function() {
                if (received == null) {
                    imp.wakeup(0.5, check);
                    return;
                }
                try {
                    assertEqual("POST", received.method);
                    assertEqual("/result", received.path);
                    local result = http.jsondecode(received.body);
                    assertEqual("0c2a690a1b2c", result.mac);
                    assertEqual(false, result.passed);
                    assertDeepEqual(["loopback: pinB does not follow pinA (wrote 1)"], result.failures);
                    resolve("forwarded " + received.body.len() + " bytes");
                } catch (failure) {
                    reject(failure);
                }
            }.bindenv(this);
            check();
        }.bindenv(this));
    }
}
