// fixture.agent.nut — the fixture's agent (teaching sample).
//
// DUT agents POST their results here (they find this URL in their
// imp.configparams.factory_fixture_url). We check the request and hand the result to
// the fixture device, which shows it and prints a label.

http.onrequest(function(request, response) {
    if (request.method != "POST") {
        response.send(405, "POST a DUT result");
        return;
    }
    local result = null;
    try {
        result = http.jsondecode(request.body);
    } catch (e) {
        response.send(400, "body is not JSON");
        return;
    }
    foreach (field in ["deviceId", "mac", "passed"]) {
        if (!(field in result)) {
            response.send(400, "missing " + field);
            return;
        }
    }
    device.send("dut.result", result);
    response.send(200, "OK");
});

server.log("Fixture agent listening at " + http.agenturl());
