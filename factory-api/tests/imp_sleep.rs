//! Deep sleep in virtual time: Squirrel stops at the call, restarts at the wake time
//! (or when the wake-up pin rises) with `nv` kept and `hardware.wakereason()` set.

mod imp_support;
use imp_support::{imp, imp_of, log_of, run, secs};
use impish_factory::hardware::script;
use impish_factory::imp::identity::ImpType;

const WATCHING_AGENT: &str = r#"
    device.onconnect(function() { server.log("device connected"); });
    device.ondisconnect(function() { server.log("device gone"); });
"#;

#[test]
fn sleepfor_restarts_squirrel_with_nv_kept_and_a_timer_wake_reason() {
    let device = r#"
        if (!("nv" in getroottable())) nv <- { passes = 0, note = "first" };
        nv.passes++;
        server.log("pass " + nv.passes + " (" + nv.note + "), wake reason " + hardware.wakereason() + " at " + hardware.millis());
        nv.note = "slept";
        if (nv.passes < 3) {
            imp.onidle(function() {
                try {
                    server.sleepfor(10);
                } catch (e) {
                    server.log("never: deep sleep is not an error");
                }
                server.log("never: code after sleepfor does not run");
            });
        }
    "#;
    let mut imp = imp_of(ImpType::Imp003, device, Some(WATCHING_AGENT));
    imp.run_for(secs(60.0));
    // The device connects and sleeps in one idle point; the agent hears of both after.
    assert_eq!(
        log_of(&imp),
        [
            "00:00.000 [Status] Agent restarted: reload.",
            "00:00.000 [Device] pass 1 (first), wake reason 0 at 0",
            "00:00.000 [Status] Device connected",
            "00:00.000 [Status] Device disconnected",
            "00:00.000 [Agent] device connected",
            "00:00.000 [Agent] device gone",
            "00:10.000 [Device] pass 2 (slept), wake reason 1 at 10000",
            "00:10.000 [Status] Device connected",
            "00:10.000 [Status] Device disconnected",
            "00:10.000 [Agent] device connected",
            "00:10.000 [Agent] device gone",
            "00:20.000 [Device] pass 3 (slept), wake reason 1 at 20000",
            "00:20.000 [Status] Device connected",
            "00:20.000 [Agent] device connected",
        ]
    );
    assert_eq!(imp.uncaught_errors(), 0);
}

#[test]
fn a_rising_wakeup_pin_ends_the_sleep_early() {
    let device = r#"
        server.log("wake reason " + hardware.wakereason() + " at " + hardware.millis());
        if (hardware.wakereason() == WAKEREASON_POWER_ON) {
            hardware.pinW.configure(DIGITAL_IN_WAKEUP);
            hardware.pinA.configure(DIGITAL_OUT, 1);
            imp.wakeup(30, function() { server.log("never: the timer died with the sleep"); });
            imp.deepsleepfor(3600);
        }
    "#;
    let mut imp = imp_of(ImpType::Imp003, device, None);
    for input in script::parse("press pinW at 12 s").expect("script") {
        imp.schedule_input(input).expect("pinW exists");
    }
    imp.run_for(secs(4000.0));
    assert_eq!(
        log_of(&imp),
        [
            "00:00.000 [Device] wake reason 0 at 0",
            "00:12.000 [Device] wake reason 3 at 12000",
            "00:12.000 [Status] Device connected",
        ]
    );
    let levels: Vec<f32> = imp.board().pin("pinA").expect("pinA").trace().iter().map(|c| c.level).collect();
    assert_eq!(levels, [1.0, 0.0], "pins float in deep sleep");
}

#[test]
fn sleepuntil_wakes_at_the_next_utc_time_of_day() {
    // Virtual time starts on Thursday 2026-01-01 00:00:00 UTC.
    let device = r#"
        local d = date();
        server.log("awake " + d.wday + " " + d.hour + ":" + d.min + ":" + d.sec + ", reason " + hardware.wakereason());
        if (hardware.wakereason() == WAKEREASON_POWER_ON) server.sleepuntil(0, 15, 30);
        else if (d.wday == 4) imp.deepsleepuntil(6, 0, 0, 6);
    "#;
    let mut imp = imp(device, None);
    imp.run_for(secs(3.0 * 86_400.0));
    let log = log_of(&imp);
    assert_eq!(log[0], "00:00.000 [Device] awake 4 0:0:0, reason 0");
    assert_eq!(log[1], "15:30.000 [Device] awake 4 0:15:30, reason 1");
    assert!(log[2].ends_with("[Device] awake 6 6:0:0, reason 1"), "{log:?}");
    assert_eq!(imp.log()[2].at, secs(2.0 * 86_400.0 + 6.0 * 3600.0));
}

/// `nv` lasts "as long as the device is powered": a restart after an error keeps it.
#[test]
fn nv_survives_a_squirrel_restart_after_an_error() {
    let device = r#"
        server.log("nv " + ("nv" in getroottable() ? nv.x : "absent") + ", reason " + hardware.wakereason());
        if (hardware.wakereason() == WAKEREASON_POWER_ON) {
            nv <- { x = 1 };
            imp.wakeup(1, function() { throw "boom"; });
        }
    "#;
    let mut imp = imp_of(ImpType::Imp003, device, None);
    imp.run_for(secs(5.0));
    assert_eq!(
        log_of(&imp),
        [
            "00:00.000 [Device] nv absent, reason 0",
            "00:00.000 [Status] Device connected",
            "00:01.000 [Device] ERROR: boom",
            "00:01.000 [Device] ERROR:   in unknown device.nut:5",
            "00:01.000 [Status] Device restarting after an uncaught error",
            "00:02.000 [Device] nv 1, reason 5",
        ]
    );
}

/// The imp004m and imp005 keep no `nv` (imp_type::Features::nv).
#[test]
fn an_imp005_keeps_no_nv() {
    let device = r#"
        server.log("nv " + ("nv" in getroottable() ? nv.x : "absent") + ", reason " + hardware.wakereason());
        if (hardware.wakereason() == WAKEREASON_POWER_ON) {
            nv <- { x = 1 };
            imp.onidle(@() imp.deepsleepfor(5));
        }
    "#;
    let log = run(device, None, 10);
    assert!(log.contains(&"00:05.000 [Device] nv absent, reason 1".to_string()), "{log:?}");
}

#[test]
fn bad_sleep_arguments_are_squirrel_errors() {
    let log = run(
        r#"
        foreach (attempt in [@() server.sleepfor(-1), @() imp.deepsleepfor(3000000), @() server.sleepuntil(25, 0)]) {
            try { attempt(); } catch (e) { server.log(e); }
        }
        "#,
        None,
        1,
    );
    assert_eq!(
        &log[..3],
        [
            "00:00.000 [Device] server.sleepfor: the duration must be 0 to 2419198 seconds",
            "00:00.000 [Device] imp.deepsleepfor: the duration must be 0 to 2419198 seconds",
            "00:00.000 [Device] server.sleepuntil: expected hour 0-23, minute 0-59, second 0-59, day 0-6",
        ]
    );
}
