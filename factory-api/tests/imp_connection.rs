//! The device's link to the server in virtual time: outages from the outside world,
//! the send policies, `server.connect`/`disconnect`, and what the agent sees.

mod imp_support;
use imp_support::{imp, imp_of, log_of, secs};
use impish_factory::hardware::script;
use impish_factory::imp::identity::ImpType;

/// An agent that reports its device coming and going.
const WATCHING_AGENT: &str = r#"
    device.onconnect(function() { server.log("device connected: " + device.isconnected()); });
    device.ondisconnect(function() { server.log("device gone: " + device.isconnected()); });
"#;

#[test]
fn a_short_outage_suspends_squirrel_until_the_link_is_back() {
    let device = r#"
        function tick() {
            server.log("tick at " + hardware.millis() + " connected " + server.isconnected());
            imp.wakeup(10, tick);
        }
        imp.wakeup(10, tick);
    "#;
    let mut imp = imp(device, Some(WATCHING_AGENT));
    imp.schedule_disconnect(secs(15.0), secs(20.0));
    imp.run_for(secs(50.0));
    assert_eq!(
        log_of(&imp),
        [
            "00:00.000 [Status] Agent restarted: reload.",
            "00:00.000 [Status] Device connected",
            "00:00.000 [Agent] device connected: true",
            "00:10.000 [Device] tick at 10000 connected true",
            "00:15.000 [Status] Device disconnected",
            "00:15.000 [Agent] device gone: false",
            // The 20 s tick waited while impOS reconnected.
            "00:35.000 [Status] Device connected",
            "00:35.000 [Agent] device connected: true",
            "00:35.000 [Device] tick at 35000 connected true",
            "00:45.000 [Device] tick at 45000 connected true",
        ]
    );
    assert!(imp.device_connected());
}

#[test]
fn a_long_outage_puts_the_device_to_sleep_until_a_retry_connects() {
    let device = r#"
        if (!("nv" in getroottable())) nv <- { boots = 0 };
        nv.boots++;
        server.log("boot " + nv.boots + ", wake reason " + hardware.wakereason());
        if (nv.boots == 1) imp.wakeup(30, function() { server.log("never: Squirrel is suspended"); });
    "#;
    let mut imp = imp_of(ImpType::Imp003, device, Some(WATCHING_AGENT));
    // Down from 5 s to 705 s: impOS tries 5–65 s and 605–665 s, then connects at 1205 s.
    imp.schedule_disconnect(secs(5.0), secs(700.0));
    imp.run_for(secs(1300.0));
    assert_eq!(
        log_of(&imp),
        [
            "00:00.000 [Status] Agent restarted: reload.",
            "00:00.000 [Device] boot 1, wake reason 0",
            "00:00.000 [Status] Device connected",
            "00:00.000 [Agent] device connected: true",
            "00:05.000 [Status] Device disconnected",
            "00:05.000 [Agent] device gone: false",
            "20:05.000 [Device] boot 2, wake reason 1",
            "20:05.000 [Status] Device connected",
            "20:05.000 [Agent] device connected: true",
        ]
    );
}

#[test]
fn return_on_error_keeps_running_offline_and_reports_the_loss_after_a_minute() {
    let device = r#"
        server.setsendtimeoutpolicy(RETURN_ON_ERROR, WAIT_TIL_SENT, 30);
        local notes = [];
        imp.wakeup(20, function() {
            notes.push("log returned " + server.log("lost line") + ", send returned " + agent.send("x", 1));
            notes.push("connected " + server.isconnected());
        });
        server.onunexpecteddisconnect(function(reason) {
            notes.push("unexpected disconnect, reason " + reason + " at " + hardware.millis());
            server.connect(function(reason) {
                notes.push("first retry: reason " + reason + " at " + hardware.millis());
                imp.wakeup(40, function() {
                    server.connect(function(reason) {
                        server.log("second retry: reason " + reason + "; " + notes.reduce(@(a, b) a + "; " + b));
                    });
                });
            }, 20);
        });
    "#;
    let agent =
        WATCHING_AGENT.to_string() + r#"device.on("x", function(v) { server.log("never: the device was offline"); });"#;
    let mut imp = imp(device, Some(&agent));
    imp.schedule_disconnect(secs(10.0), secs(100.0));
    imp.run_for(secs(200.0));
    assert_eq!(
        log_of(&imp),
        [
            "00:00.000 [Status] Agent restarted: reload.",
            "00:00.000 [Status] Device connected",
            "00:00.000 [Agent] device connected: true",
            "00:10.000 [Status] Device disconnected",
            "00:10.000 [Agent] device gone: false",
            "02:10.000 [Status] Device connected",
            "02:10.000 [Agent] device connected: true",
            "02:10.000 [Device] second retry: reason 5; log returned 1, send returned 1; connected false; \
             unexpected disconnect, reason 0 at 70000; first retry: reason 0 at 90000",
        ]
    );
}

#[test]
fn a_planned_disconnect_reconnects_at_the_next_server_call_under_suspend_on_error() {
    let device = r#"
        agent.on("ping", function(n) { server.log("ping " + n); });
        imp.wakeup(1, function() {
            server.disconnect();
            imp.wakeup(2, function() {
                local before = server.isconnected();
                server.log("reconnected by this line, connected before: " + before);
                server.log("connected now: " + server.isconnected());
            });
        });
    "#;
    let agent = WATCHING_AGENT.to_string()
        + r#"
        imp.wakeup(2, function() { device.send("ping", 1); });
        imp.wakeup(4, function() { device.send("ping", 2); });
    "#;
    let mut imp = imp(device, Some(&agent));
    imp.run_for(secs(5.0));
    assert_eq!(
        log_of(&imp),
        [
            "00:00.000 [Status] Agent restarted: reload.",
            "00:00.000 [Status] Device connected",
            "00:00.000 [Agent] device connected: true",
            "00:01.000 [Status] Device disconnected",
            "00:01.000 [Agent] device gone: false",
            // ping 1 went to a disconnected device and was lost.
            "00:03.000 [Status] Device connected",
            "00:03.000 [Device] reconnected by this line, connected before: false",
            "00:03.000 [Device] connected now: true",
            "00:03.000 [Agent] device connected: true",
            "00:04.000 [Device] ping 2",
        ]
    );
}

#[test]
fn an_input_script_outage_is_the_same_as_schedule_disconnect() {
    let device = r#"
        function tick() { server.log("tick"); imp.wakeup(10, tick); }
        tick();
    "#;
    let mut by_api = imp(device, Some(WATCHING_AGENT));
    by_api.schedule_disconnect(secs(15.0), secs(20.0));
    by_api.run_for(secs(40.0));
    let mut by_script = imp(device, Some(WATCHING_AGENT));
    for input in script::parse("network down at 15 s for 20 s").expect("script") {
        by_script.schedule_input(input).expect("outages need no pin");
    }
    by_script.run_for(secs(40.0));
    assert_eq!(log_of(&by_script), log_of(&by_api));
    assert!(log_of(&by_script).contains(&"00:35.000 [Status] Device connected".to_string()));
}

#[test]
fn calls_that_need_the_server_block_under_suspend_and_fail_under_return() {
    let device = r#"
        server.disconnect();
        // SUSPEND_ON_ERROR: connect blocks until the link is back (down from 1 s to 21 s).
        imp.wakeup(2, function() {
            server.connect();
            server.log("connected again at " + hardware.millis());
            server.setsendtimeoutpolicy(RETURN_ON_ERROR, WAIT_FOR_ACK, 10);
            server.disconnect();
            server.bless(true, function(blessed) {
                server.connect(function(reason) { server.log("offline bless gave " + blessed + ", reconnect " + reason); });
            });
        });
    "#;
    let mut imp = imp(device, None);
    imp.schedule_disconnect(secs(1.0), secs(20.0));
    imp.run_for(secs(30.0));
    assert_eq!(
        log_of(&imp),
        [
            "00:21.000 [Device] connected again at 21000",
            "00:21.000 [Device] offline bless gave false, reconnect 5",
            // Disconnected before its first idle point, the device announces itself at
            // the first one after it reconnects.
            "00:21.000 [Status] Device connected",
        ]
    );
}
