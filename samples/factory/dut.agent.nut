// dut.agent.nut — the DUT's agent (teaching sample).
//
// Forwards the DUT's test result to the agent of the fixture that configured it. The
// cloud tells a DUT agent that URL in imp.configparams.factory_fixture_url.

device.on("dut.result", function(result) {
    if (!("factory_fixture_url" in imp.configparams)) {
        server.error("no factory_fixture_url: this agent does not belong to a DUT");
        return;
    }
    local url = imp.configparams.factory_fixture_url;
    local request = http.post(url, { "Content-Type": "application/json" }, http.jsonencode(result));
    request.sendasync(function(response) {
        if (response.statuscode != 200) {
            server.error("fixture agent answered " + response.statuscode + ": " + response.body);
        }
    });
});
