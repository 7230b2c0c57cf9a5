// app.agent.nut — keeps the latest readings and serves them as JSON.

local readings = [];

device.on("reading", function(reading) {
    readings.append(reading);
    if (readings.len() > 60) readings.remove(0);
});

http.onrequest(function(request, response) {
    response.header("Content-Type", "application/json");
    response.send(200, http.jsonencode({ readings = readings }));
});
