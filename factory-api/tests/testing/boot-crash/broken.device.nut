// Code under test that fails as it boots: the tests can never start.
local settings = null;
server.log("threshold " + settings.threshold);
