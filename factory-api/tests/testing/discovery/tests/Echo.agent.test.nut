// Runs on the agent ("agent" is a word of its name); its partner Echo.device.nut runs on
// the device of the same imp and pings it.
class EchoTest extends ImpTestCase {
    pings = null;

    function setUp() {
        pings = [];
        device.on("ping", function(n) { pings.push(n); }.bindenv(this));
    }

    function testPartnerPings() {
        return Promise(function(resolve, reject) {
            imp.wakeup(5, function() {
                if (pings.len() == 3) resolve(pings.len() + " pings");
                else reject("got " + pings.len() + " pings");
            }.bindenv(this));
        }.bindenv(this));
    }
}
