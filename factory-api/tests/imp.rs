//! The imp runtime end to end: firmware in, log stream out, in virtual time.

use impish_factory::hardware::i2c::RegisterMap;
use impish_factory::hardware::script;
use impish_factory::imp::identity::{Identity, ImpType, Role};
use impish_factory::imp::{Imp, ImpConfig, Outcome};
use std::time::{Duration, Instant};

mod imp_support;
use imp_support::{firmware, imp, log_of, run, secs};

#[test]
fn timers_and_onidle_in_virtual_time() {
    let log = run(
        r#"
        server.log("boot");
        imp.wakeup(1.5, function() { server.log("timer 1.5"); });
        imp.wakeup(0.25, function() {
            server.log("timer 0.25");
            imp.onidle(function() { server.log("idle after 0.25"); });
        });
        imp.onidle(function() { server.log("first idle"); });
        imp.onidle(function() { server.log("replaced idle"); });
        local cancelled = imp.wakeup(1, function() { server.log("never"); });
        imp.cancelwakeup(cancelled);
        imp.cancelwakeup(cancelled);
        server.log("main done");
        "#,
        None,
        10,
    );
    assert_eq!(
        log,
        [
            "00:00.000 [Device] boot",
            "00:00.000 [Device] main done",
            "00:00.000 [Status] Device connected",
            "00:00.000 [Device] replaced idle",
            "00:00.250 [Device] timer 0.25",
            "00:00.250 [Device] idle after 0.25",
            "00:01.500 [Device] timer 1.5",
        ]
    );
}

#[test]
fn zero_delay_timers_run_first_in_first_out() {
    let log = run(
        r#"
        local order = [];
        for (local i = 0; i < 200; i++) {
            local n = i;
            imp.wakeup(0, function() {
                order.push(n);
                if (n == 0) imp.wakeup(0, function() { order.push("nested"); });
            });
        }
        imp.onidle(function() {
            local ok = order.len() == 201 && order[0] == 0 && order[199] == 199 && order[200] == "nested";
            server.log("idle after " + order.len() + " callbacks, in order: " + ok);
        });
        "#,
        None,
        1,
    );
    assert_eq!(
        log,
        ["00:00.000 [Status] Device connected", "00:00.000 [Device] idle after 201 callbacks, in order: true"]
    );
}

#[test]
fn a_five_minute_scenario_takes_milliseconds() {
    let started = Instant::now();
    let mut imp = imp(
        r#"
        local ticks = 0;
        function tick() { ticks++; imp.wakeup(0.1, tick); }
        tick();
        imp.wakeup(300, function() { server.log("after five minutes: " + ticks + " ticks, " + hardware.millis() + " ms"); });
        "#,
        None,
    );
    assert_eq!(imp.run_for(Duration::from_secs(300)), Outcome::LimitReached);
    assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
    assert_eq!(
        log_of(&imp).last().map(String::as_str),
        Some("05:00.000 [Device] after five minutes: 3000 ticks, 300000 ms")
    );
}

#[test]
fn time_and_date_are_virtual() {
    let log = run(
        r#"
        imp.sleep(2.5);
        local d = date();
        server.log(time() + " " + d.year + "-" + (d.month + 1) + "-" + d.day + " " + d.hour + ":" + d.min + ":" + d.sec);
        server.log(hardware.millis() + " " + imp.getmacaddress() + " " + hardware.getdeviceid() + " " + imp.info().type);
        "#,
        None,
        1,
    );
    assert_eq!(log[0], "00:02.500 [Device] 1767225602 2026-1-1 0:0:2");
    assert_eq!(log[1], "00:02.500 [Device] 2500 0c2a69000001 23000c2a69000001 imp005");
}

/// Dev Center, "date()": the table has `time` (Unix seconds) and `usec`, which only the
/// agent fills in (always 0 on the device); `date(t)` describes `t`, or is all zeros
/// for a `t` outside 2000-2099. Dev Center, "math.rand()": `RAND_MAX` is a system
/// constant (Promise's tests read it bare).
#[test]
fn date_has_time_and_usec_and_rand_max_is_global() {
    let report = r#"
        function report(side) {
            local d = date();
            server.log(side + " " + (d.time == time()) + " " + d.time + " usec " + d.usec);
            local then = date(1767225600 + 86400);
            server.log(side + " " + then.time + " " + then.usec + " day " + then.day);
            server.log(side + " RAND_MAX " + (RAND_MAX == math.RAND_MAX) + " " + (math.rand() <= RAND_MAX));
            local zero = date(946684799);
            server.log(side + " before 2000: " + zero.year + " " + zero.day + " " + zero.time);
        }
    "#;
    let device = format!("{report} imp.wakeup(1.25, function() {{ report(\"device\"); }});");
    let agent = format!("{report} imp.wakeup(0.75, function() {{ report(\"agent\"); }});");
    let log = run(&device, Some(&agent), 2);
    assert_eq!(
        log[2..],
        [
            "00:00.750 [Agent] agent true 1767225600 usec 750000",
            "00:00.750 [Agent] agent 1767312000 0 day 2",
            "00:00.750 [Agent] agent RAND_MAX true true",
            "00:00.750 [Agent] agent before 2000: 0 0 0",
            "00:01.250 [Device] device true 1767225601 usec 0",
            "00:01.250 [Device] device 1767312000 0 day 2",
            "00:01.250 [Device] device RAND_MAX true true",
            "00:01.250 [Device] device before 2000: 0 0 0",
        ]
    );
}

/// Dev Center, "regexp2": agent only, RE2 syntax, `search`/`match`/`capture` as
/// `regexp`'s (spans as `{begin, end}`; `match` is of the whole string), patterns of
/// at most 256 characters. RE2's `\w` is ASCII. The last lines are Rocky's multipart
/// header parsing.
#[test]
fn regexp2_is_the_agents_re2() {
    let agent = r#"
        local r = regexp2(@"(\w+)@(\w+)\.com");
        local m = r.search("mail bob@example.com now");
        server.log("search " + m.begin + " " + m.end);
        local spans = "";
        foreach (g in r.capture("x alice@corp.com y", 1)) spans += " " + g.begin + "-" + g.end;
        server.log("capture" + spans);
        server.log("match " + r.match("bob@example.com") + " " + r.match(" bob@example.com"));
        server.log("none " + (r.search("none") == null) + " " + (r.capture("none") == null));
        spans = "";
        foreach (g in regexp2("(a)|(b)").capture("b")) spans += " " + g.begin + "-" + g.end;
        server.log("unused group" + spans + ", " + typeof r);
        server.log("start at end " + regexp2("x*").search("ab", 2).begin + ", past it " + (regexp2("x*").search("ab", 3) == null));
        try { regexp2("(unclosed"); } catch (e) { server.log(e); }
        local long = ""; for (local i = 0; i < 257; i++) long += "a";
        try { regexp2(long); } catch (e) { server.log(e); }
        server.log("ascii " + regexp2(@"^\w+$").match("caf\xc3\xa9") + " " + regexp2(@"^\w+$").match("cafe"));
        local kv = regexp2(@"(^|\W)(\S+)\s*[=:]\s*(""[^""]*""|\S*)");
        local h = "Content-Disposition: form-data; name=\"field\"";
        local c = kv.capture(h);
        while (c != null) {
            server.log(h.slice(c[2].begin, c[2].end) + " = " + h.slice(c[3].begin, c[3].end));
            c = kv.capture(h, c[0].end);
        }
    "#;
    let log = run("server.log(\"device has regexp2: \" + (\"regexp2\" in getroottable()));", Some(agent), 1);
    assert_eq!(
        log,
        [
            "00:00.000 [Status] Agent restarted: reload.",
            "00:00.000 [Agent] search 5 20",
            "00:00.000 [Agent] capture 2-16 2-7 8-12",
            "00:00.000 [Agent] match true false",
            "00:00.000 [Agent] none true true",
            "00:00.000 [Agent] unused group 0-1 0-0 0-1, regexp2",
            "00:00.000 [Agent] start at end 2, past it true",
            "00:00.000 [Agent] regexp2: error: unclosed group",
            "00:00.000 [Agent] regexp2: pattern longer than 256 characters",
            "00:00.000 [Agent] ascii false true",
            "00:00.000 [Agent] Content-Disposition = form-data;",
            "00:00.000 [Agent] name = \"field\"",
            "00:00.000 [Device] device has regexp2: false",
            "00:00.000 [Status] Device connected",
        ]
    );
}

#[test]
fn pins_configure_read_write_and_report_errors() {
    let mut imp = imp(
        r#"
        hardware.pinA.configure(DIGITAL_OUT, 1);
        server.log("out " + hardware.pinA.read());
        hardware.pinA.write(0);
        hardware.pinB.configure(DIGITAL_IN_PULLUP);
        server.log("pulled up " + hardware.pinB.read());
        hardware.pinD.configure(PWM_OUT, 0.001, 0.25);
        server.log("pwm " + hardware.pinD.read());
        foreach (attempt in [
            @() hardware.pinB.write(1),
            @() hardware.pinE.read(),
            @() hardware.pinD.write(2.0),
            @() hardware.pinE.configure(12345),
        ]) {
            try { attempt(); } catch (e) { server.log("error: " + e); }
        }
        "#,
        None,
    );
    imp.run_for(Duration::from_secs(1));
    assert_eq!(
        &log_of(&imp)[..7],
        [
            "00:00.000 [Device] out 1",
            "00:00.000 [Device] pulled up 1",
            "00:00.000 [Device] pwm 0.25",
            "00:00.000 [Device] error: pin pinB is not configured as an output",
            "00:00.000 [Device] error: pin pinE is not configured",
            "00:00.000 [Device] error: value out of range for pin pinD: expected 0.0 to 1.0",
            "00:00.000 [Device] error: invalid pin mode",
        ]
    );
    let levels: Vec<f32> = imp.board().pin("pinA").expect("pinA").trace().iter().map(|c| c.level).collect();
    assert_eq!(levels, [1.0, 0.0]);
}

#[test]
fn buses_and_flash_act_on_the_hardware_models() {
    let mut imp = imp(
        r#"
        local i2c = hardware.i2c0;
        server.log("unconfigured read: " + i2c.read(0xBE, "\x0F", 1) + " error " + i2c.readerror());
        i2c.configure(CLOCK_SPEED_400_KHZ);
        server.log("WHO_AM_I " + (i2c.read(0xBE, "\x0F", 1)[0] & 0xFF));
        server.log("write " + i2c.write(0xBE, "\x20\x81") + ", absent part " + i2c.write(0x32, "\x00"));
        server.log("reg 0x20 now " + (i2c.read(0xBE, "\x20", 1)[0] & 0xFF));
        hardware.uart0.configure(9600, 8, PARITY_NONE, 1, NO_CTSRTS);
        hardware.uart0.write("LABEL ");
        hardware.uart0.write(hardware.getdeviceid().slice(4));
        local flash = hardware.spiflash;
        flash.enable();
        flash.erasesector(0);
        local data = blob(); data.writen(0x01020304, 'i');
        server.log("flash write " + flash.write(0, data) + ", read " + flash.read(0, 4).readn('i') + ", size " + flash.size());
        "#,
        None,
    );
    imp.board_mut().i2c_bus("i2c0").expect("i2c0").attach(0xbe, Box::new(RegisterMap::new(&[(0x0f, 0xbc)])));
    imp.run_for(Duration::from_secs(1));
    assert_eq!(
        &log_of(&imp)[..5],
        [
            "00:00.000 [Device] unconfigured read: null error -1",
            "00:00.000 [Device] WHO_AM_I 188",
            "00:00.000 [Device] write 0, absent part -2",
            "00:00.000 [Device] reg 0x20 now 129",
            "00:00.000 [Device] flash write 0, read 16909060, size 4194304",
        ]
    );
    assert_eq!(imp.board().uart("uart0").expect("uart0").sent_bytes(), b"LABEL 0c2a69000001");
}

/// Dev Center, "spiflash.write()": `write(address, blob, flags, start, end)` writes the
/// blob from `start` up to `end`; `SPIFLASH_PREVERIFY` is 2, `SPIFLASH_POSTVERIFY` 1.
/// SPIFlashFileSystem writes pages out of one buffer this way.
#[test]
fn spiflash_writes_part_of_a_blob_with_documented_flags() {
    let log = run(
        r#"
        local flash = hardware.spiflash;
        flash.enable();
        flash.erasesector(0);
        local data = blob();
        foreach (b in [0x11, 0x22, 0x33, 0x44, 0x55]) data.writen(b, 'b');
        server.log("flags " + SPIFLASH_PREVERIFY + " " + SPIFLASH_POSTVERIFY);
        server.log("write " + flash.write(0x10, data, 0, 1, 4));
        local back = flash.read(0x10, 4);
        server.log(format("%02x %02x %02x %02x", back[0], back[1], back[2], back[3]));
        server.log("from start " + flash.write(0x20, data, SPIFLASH_POSTVERIFY, 3) + " " + flash.read(0x20, 3).len());
        server.log("preverify refuses " + (flash.write(0x10, data, SPIFLASH_PREVERIFY, 0, 1) != 0));
        foreach (range in [[4, 2], [0, 6], [-1, 2]]) {
            try { flash.write(0x40, data, 0, range[0], range[1]); } catch (e) { server.log(e); }
        }
        "#,
        None,
        1,
    );
    assert_eq!(
        log[..8],
        [
            "00:00.000 [Device] flags 2 1",
            "00:00.000 [Device] write 0",
            "00:00.000 [Device] 22 33 44 ff",
            "00:00.000 [Device] from start 0 3",
            "00:00.000 [Device] preverify refuses true",
            "00:00.000 [Device] spiflash.write: start or end outside the data",
            "00:00.000 [Device] spiflash.write: start or end outside the data",
            "00:00.000 [Device] spiflash.write: start or end outside the data",
        ]
    );
}

#[test]
fn a_scripted_button_press_drives_the_state_change_callback() {
    let mut imp = imp(
        r#"
        button <- hardware.pinC;
        button.configure(DIGITAL_IN_PULLDOWN, function() { server.log("button " + button.read()); });
        hardware.pinM.configure(DIGITAL_IN); // no callback: edges are ignored
        "#,
        None,
    );
    for input in script::parse("press pinC at 2.0 s for 0.2 s\npress pinM at 3 s").expect("script") {
        imp.schedule_input(input).expect("the pin exists");
    }
    let unknown = script::parse("set pinZZ high").expect("script").remove(0);
    assert!(imp.schedule_input(unknown).is_err());
    imp.run_for(Duration::from_secs(5));
    assert_eq!(
        log_of(&imp),
        ["00:00.000 [Status] Device connected", "00:02.000 [Device] button 1", "00:02.200 [Device] button 0"]
    );
}

#[test]
fn messages_go_both_ways_as_deep_copies() {
    let device = r#"
        local original = { name = "dut", list = [1, 2, { deep = true }], ratio = 0.5 };
        agent.on("reply", function(data) {
            server.log("reply " + data.list[2].deep + " " + data.seen + "; mine still " + original.list[2].deep);
        });
        local b = blob(); b.writen(0x41424344, 'i');
        server.log("send returns " + agent.send("hello", original));
        agent.send("bytes", b);
        original.list.push("late");
        agent.send("nobody listens", null);
        // Dev Center, "Squirrel Data Serialization": what cannot be serialised is
        // dropped (the device logs it, as MessageManager's tests quote; values arrive
        // as null), keys must be safe strings, unsafe strings travel as blobs.
        agent.send("mixed", { nested = [ blob, 1, function() {} ], "\x00\x01": "gone", [5] = "gone",
                              raw = "\x00\x01", text = "caf\xc3\xa9" });
        agent.send("mixed", hardware.pinA);
    "#;
    let agent = r#"
        device.on("mixed", function(data) {
            if (data == null) return server.log("mixed: null");
            local keys = [];
            foreach (k, v in data) keys.push(k);
            keys.sort();
            local desc = "";
            foreach (k in keys) desc += " " + k + "=" + typeof data[k];
            server.log("mixed:" + desc + ", nested " + data.nested.len() + ", text " + data.text.len());
        });
        device.send("nothing", function() {});
        device.on("hello", function(data) {
            data.list[2].deep = false;
            data.seen <- data.list.len();
            server.log("agent got " + data.name + " " + data.ratio + " " + device.isconnected());
            device.send("reply", data);
        });
        device.on("bytes", function(b) { server.log("blob " + b.len() + " " + b.tostring()); });
    "#;
    let log = run(device, Some(agent), 1);
    assert_eq!(
        log,
        [
            "00:00.000 [Status] Agent restarted: reload.",
            "00:00.000 [Device] send returns 0",
            "00:00.000 [Device] ERROR: skipped unserialisable data",
            "00:00.000 [Device] ERROR: skipped unserialisable data",
            "00:00.000 [Agent] agent got dut 0.5 true",
            "00:00.000 [Agent] blob 4 DCBA",
            "00:00.000 [Agent] mixed: nested=array raw=blob text=string, nested 3, text 5",
            "00:00.000 [Agent] mixed: null",
            "00:00.000 [Device] reply false 3; mine still true",
            "00:00.000 [Status] Device connected",
        ]
    );
}

#[test]
fn after_a_deploy_the_device_boots_later_than_the_agent() {
    let device = r#"server.log("device boots at " + hardware.millis()); agent.send("hi", 1);"#;
    let agent = r#"
        server.log("agent boots");
        device.on("hi", function(v) { server.log("agent heard the device"); });
    "#;
    let config = ImpConfig { device_boot_delay: secs(3.0), ..imp_support::config(device, Some(agent)) };
    let mut imp = Imp::new(config).unwrap();
    imp.run_for(secs(5.0));
    let log = log_of(&imp);
    assert_eq!(
        log,
        [
            "00:00.000 [Status] Agent restarted: reload.",
            "00:00.000 [Agent] agent boots",
            "00:00.000 [Status] Device connected",
            "00:03.000 [Device] device boots at 3000",
            "00:03.000 [Agent] agent heard the device",
        ]
    );
}

#[test]
fn an_uncaught_device_error_restarts_squirrel() {
    let device = r#"
        server.log("boot, wake reason " + hardware.wakereason());
        if (hardware.wakereason() == WAKEREASON_POWER_ON) {
            hardware.pinA.configure(DIGITAL_OUT, 1);
            imp.wakeup(5, function() { server.log("old timer: must not run"); });
            function fail() { local t = {}; return t.missing; }
            imp.wakeup(1, function() { fail(); });
        } else {
            server.log("pin after restart: " + (function() { try { return hardware.pinA.read(); } catch (e) { return e; } })());
        }
    "#;
    let agent = r#"
        imp.wakeup(0.5, function() { throw "agent trouble"; });
        imp.wakeup(3, function() { server.log("agent still running"); });
    "#;
    let mut imp = imp(device, Some(agent));
    imp.run_for(Duration::from_secs(10));
    assert_eq!(
        log_of(&imp),
        [
            "00:00.000 [Status] Agent restarted: reload.",
            "00:00.000 [Device] boot, wake reason 0",
            "00:00.000 [Status] Device connected",
            "00:00.500 [Agent] ERROR: agent trouble",
            "00:00.500 [Agent] ERROR:   in unknown agent.nut:2",
            "00:01.000 [Device] ERROR: the index 'missing' does not exist",
            "00:01.000 [Device] ERROR:   in fail device.nut:6",
            "00:01.000 [Device] ERROR:   from unknown device.nut:7",
            "00:01.000 [Status] Device restarting after an uncaught error",
            "00:02.000 [Device] boot, wake reason 5",
            "00:02.000 [Device] pin after restart: pin pinA is not configured",
            "00:03.000 [Agent] agent still running",
        ]
    );
    assert_eq!(imp.uncaught_errors(), 2);
}

/// A bug of impish's own (here a native that panics) is an internal error of the imp
/// that hit it: logged, the device restarts, the agent and the run go on.
#[test]
fn a_panic_inside_the_vm_is_an_error_of_that_imp_only() {
    let device = r#"
        server.log("boot");
        imp.wakeup(1, function() { boom(); });
    "#;
    let agent = r#"imp.wakeup(3, function() { server.log("agent still running"); });"#;
    let setup: impish_factory::imp::VmSetup = std::rc::Rc::new(|side, vm: &mut impish_vm::Vm| {
        if side == impish_factory::imp::Side::Device {
            vm.register("boom", |_, _| panic!("a bug in a native"), 1, None);
        }
    });
    let config = ImpConfig { setup_vm: Some(setup), ..imp_support::config(device, Some(agent)) };
    let mut imp = Imp::new(config).expect("compiles");
    imp.run_for(Duration::from_secs(4));
    let log = log_of(&imp);
    assert!(
        log.contains(&"00:01.000 [Device] ERROR: impish internal error: a bug in a native".to_string()),
        "{log:#?}"
    );
    assert!(log.contains(&"00:01.000 [Status] Device restarting after an uncaught error".to_string()), "{log:#?}");
    assert!(log.contains(&"00:02.000 [Device] boot".to_string()), "the device boots a fresh VM: {log:#?}");
    assert!(log.contains(&"00:03.000 [Agent] agent still running".to_string()), "{log:#?}");
}

#[test]
fn configparams_arrive_at_the_first_idle_point() {
    let device = r#"
        server.log("at boot: " + imp.configparams.len() + " keys");
        imp.onidle(function() {
            server.log("at idle: factory_imp " + imp.configparams.factory_imp + ", fixture " + imp.configparams.factory_imp_device_id);
        });
    "#;
    let agent = r#"
        local p = imp.configparams;
        server.log(p.deviceid + " " + p.factory_fixture_url + " " + ("is_factory_fixture" in p));
    "#;
    let fixture = Identity::from_mac(ImpType::Imp005, 0x0c2a_6900_0f1e);
    let mut config = ImpConfig::new(firmware("device.nut", device));
    config.agent = Some(firmware("agent.nut", agent));
    config.identity = Identity::from_mac(ImpType::Imp005, 0x0c2a_6900_0d07);
    config.role = Role::Dut { fixture };
    let mut imp = Imp::new(config).expect("compiles");
    assert_eq!(imp.run_for(Duration::from_secs(1)), Outcome::Finished);
    assert_eq!(
        log_of(&imp),
        [
            "00:00.000 [Status] Agent restarted: reload.",
            "00:00.000 [Agent] 23000c2a69000d07 https://agent.electricimp.com/0c2a69000f1e false",
            "00:00.000 [Device] at boot: 0 keys",
            "00:00.000 [Status] Device connected",
            "00:00.000 [Device] at idle: factory_imp 0c2a69000f1e, fixture 23000c2a69000f1e",
        ]
    );
}

#[test]
fn compile_errors_are_reported_before_anything_runs() {
    let config = ImpConfig::new(firmware("device.nut", "local x = ;"));
    assert!(matches!(Imp::new(config), Err(impish_vm::Error::Compile(_))));
}

#[test]
fn the_blink_sample_runs() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/blink/blink.device.nut");
    let source = std::fs::read_to_string(path).expect("the blink sample");
    let mut config = ImpConfig::new(firmware("blink.device.nut", &source));
    config.identity = Identity::from_mac(ImpType::Imp005, 0x0c2a_6900_0001);
    let mut imp = Imp::new(config).expect("compiles");
    assert_eq!(imp.run_for(Duration::from_secs(10)), Outcome::LimitReached);
    assert_eq!(
        log_of(&imp),
        [
            "00:00.000 [Status] Device connected",
            "00:04.500 [Device] LED toggled 10 times",
            "00:09.500 [Device] LED toggled 20 times",
        ]
    );
    let board = imp.board();
    let led = board.pin("pinE").expect("pinE");
    assert_eq!(led.trace().len(), 22, "low at configure, then toggles at 0, 0.5, ..., 10 s");
    assert_eq!(imp.uncaught_errors(), 0);
}

#[test]
fn json_round_trips_in_squirrel_table_order() {
    let agent = r#"
        local t = {};
        foreach (k in ["a", "b", "c", "d", "e", "f", "g", "h", "i"]) t[k] <- k;
        server.log(http.jsonencode(t, { compact = true }));
        local v = { n = null, yes = true, i = -42, f = 5.125, s = "q\"\\\n", list = [1, [], {}] };
        local text = http.jsonencode(v);
        local back = http.jsondecode(text);
        // Table order depends on insertion order, so compare values, not texts.
        server.log(back.s == v.s && back.f == 5.125 && back.i == -42 && back.yes && ("n" in back) && back.n == null
            && back.list.len() == 3 && back.list[2].len() == 0);
        server.log(http.jsonencode([1, "x"]) + " " + http.jsonencode({ k = [2.5] }, { compact = true }));
        try { http.jsonencode({ b = blob(2) }); } catch (e) { server.log(e); }
        try { http.jsondecode("{nope"); } catch (e) { server.log("refused: " + e.slice(0, 16)); }
        local q = http.urldecode("a=1&b=x+y%21");
        server.log(q.a + q.b + " " + http.urlencode({ k = "x y&z" }));
        server.log(http.base64encode("foob") + " " + http.base64decode("Zm9vYg==").tostring());
    "#;
    let log = run("", Some(agent), 1);
    assert_eq!(
        &log[1..],
        [
            r#"00:00.000 [Agent] {"a":"a","c":"c","b":"b","e":"e","d":"d","g":"g","f":"f","i":"i","h":"h"}"#,
            "00:00.000 [Agent] true",
            r#"00:00.000 [Agent] [ 1, "x" ] {"k":[2.5]}"#,
            "00:00.000 [Agent] http.jsonencode: cannot encode a blob (base64 it with http.base64encode first)",
            "00:00.000 [Agent] refused: JSON parse error",
            "00:00.000 [Agent] 1x y! k=x+y%26z",
            "00:00.000 [Agent] Zm9vYg== foob",
            "00:00.000 [Status] Device connected",
        ]
    );
}

#[test]
fn an_agent_answers_requests_to_its_own_url_and_outside_http_is_off() {
    let agent = r#"
        http.onrequest(function(request, response) {
            server.log(request.method + " " + request.path + " q=" + request.query.q + " h=" + request.headers["x-tag"] + " " + request.body);
            response.header("X-Answer", "yes");
            response.send(201, "made");
            response.send(500, "ignored");
        });
        http.post(http.agenturl() + "/things?q=1", { "X-Tag": "t" }, "payload").sendasync(function(r) {
            server.log("answer " + r.statuscode + " " + r.body + " " + r.headers["x-answer"]);
        });
        http.get("http://example.com/", {}).sendasync(function(r) { server.log("outside " + r.statuscode); });
        server.log("sync " + http.get("http://example.com/", {}).sendsync().statuscode);
    "#;
    let log = run("", Some(agent), 1);
    assert_eq!(
        &log[1..],
        [
            "00:00.000 [Agent] sync 0",
            "00:00.000 [Agent] POST /things q=1 h=t payload",
            "00:00.000 [Agent] outside 0",
            "00:00.000 [Agent] answer 201 made yes",
            "00:00.000 [Status] Device connected",
        ]
    );
}

#[test]
fn factory_calls_on_an_imp_that_is_neither_fixture_nor_dut() {
    let device = r#"
        local result = server.factoryblinkup("ssid", "pw", hardware.pinM, BLINKUP_FAST);
        server.log("returned " + result);
        server.bless(true, function(ok) { server.log("blessed: " + ok); });
        imp.setwificonfiguration("Home", "secret");
        imp.enableblinkup(false);
        imp.clearconfiguration(CONFIG_WIFI);
    "#;
    let mut imp = imp(device, None);
    imp.run_for(Duration::from_secs(1));
    assert_eq!(
        log_of(&imp),
        [
            "00:00.000 [Device] returned null",
            "00:00.000 [Device] ERROR: Factory BlinkUp request failed. This is not a factory imp.",
            "00:00.000 [Status] Blessing failed: device 23000c2a69000001 is not a DUT (it is in no DUT device group)",
            "00:00.000 [Status] Device connected",
            "00:00.600 [Device] blessed: false", // a bless round trip (FactoryTiming::bless) later
        ]
    );
    assert!(imp.board().pin("pinM").expect("pinM").trace().is_empty(), "no BlinkUp flashed");
    let network = imp.network();
    assert_eq!((network.wifi_ssid.as_deref(), network.blinkup_enabled), (Some("Home"), Some(false)));
    assert_eq!(network.cleared.len(), 1);
    drop(network);
    assert_eq!(imp.status_led().color_at(Duration::from_secs(1)).name(), "red");
}

#[test]
fn runaway_code_is_stopped_as_an_uncaught_error() {
    let device = r#"
        server.log("boot, wake reason " + hardware.wakereason());
        function spin() {
            try { while (true) {} } catch (e) { server.log("never: the catch has no budget left"); }
        }
        if (hardware.wakereason() == WAKEREASON_POWER_ON) imp.wakeup(1, spin);
    "#;
    let agent = r#"
        imp.wakeup(0.5, function() { local n = 0; for (;;) n++; });
        imp.wakeup(3, function() { server.log("agent still running"); });
    "#;
    let mut config = imp_support::config(device, Some(agent));
    config.instruction_budget = Some(100_000);
    let mut imp = Imp::new(config).expect("compiles");
    imp.run_for(Duration::from_secs(5));
    assert_eq!(
        log_of(&imp),
        [
            "00:00.000 [Status] Agent restarted: reload.",
            "00:00.000 [Device] boot, wake reason 0",
            "00:00.000 [Status] Device connected",
            "00:00.500 [Agent] ERROR: runaway code stopped: more than 100000 instructions in one event",
            "00:00.500 [Agent] ERROR:   in unknown agent.nut:2",
            "00:01.000 [Device] ERROR: runaway code stopped: more than 100000 instructions in one event",
            "00:01.000 [Device] ERROR:   in spin device.nut:4",
            "00:01.000 [Status] Device restarting after an uncaught error",
            "00:02.000 [Device] boot, wake reason 5",
            "00:03.000 [Agent] agent still running",
        ]
    );
}

#[test]
fn scripted_uart_input_runs_the_data_callback() {
    let mut imp = imp(
        r#"
        local uart = hardware.uart1;
        uart.configure(115200, 8, PARITY_NONE, 1, NO_CTSRTS, function() {
            local first = uart.read();
            local rest = uart.readstring(4);
            server.log(format("got %c then \"%s\", %d byte(s) left as a blob", first, rest, uart.readblob().len()));
        });
        hardware.uart0.configure(9600, 8, PARITY_NONE, 1, NO_CTSRTS); // no callback: data just waits
        imp.wakeup(3, function() { server.log("uart0 holds " + hardware.uart0.readstring()); });
        "#,
        None,
    );
    let input = "uart1 receive \"OK 42\\r\\n\" at 1.5 s\nuart0 receive \"quiet\" at 2 s\nuart1 receive \"#2\" at 2.5";
    for event in script::parse(input).expect("script") {
        imp.schedule_input(event).expect("the UART exists");
    }
    let unknown = script::parse("uart7 receive \"x\"").expect("script").remove(0);
    assert_eq!(
        imp.schedule_input(unknown).map_err(|e| e.to_string()),
        Err("the input script acts on uart7, which this imp005 does not have".into())
    );
    imp.run_for(Duration::from_secs(4));
    assert_eq!(
        log_of(&imp),
        [
            "00:00.000 [Status] Device connected",
            "00:01.500 [Device] got O then \"K 42\", 2 byte(s) left as a blob",
            "00:02.500 [Device] got # then \"2\", 0 byte(s) left as a blob",
            "00:03.000 [Device] uart0 holds quiet",
        ]
    );
}

/// This binary keeps the system allocator, so no limit can be enforced; the device's
/// free memory still counts down from its imp type's figure, in imp bytes.
#[test]
fn getmemoryfree_counts_down_from_the_imp_types_figure() {
    let device = r#"
        local before = imp.getmemoryfree();
        local held = array(1000);
        local used = before - imp.getmemoryfree();
        server.log(imp.info().type + " " + (before <= 85 * 1024 && before > 80 * 1024) + " " + used);
    "#;
    let mut config = ImpConfig::new(firmware("device.nut", device));
    config.identity = Identity::from_mac(ImpType::Imp002, 0x0c2a_6900_0002);
    let mut imp = Imp::new(config).expect("compiles");
    imp.run_for(Duration::from_secs(1));
    // An array of 1000 slots: its object and 8000 bytes of slots, each with a header.
    assert_eq!(log_of(&imp), ["00:00.000 [Device] imp002 true 8048", "00:00.000 [Status] Device connected"]);
}
