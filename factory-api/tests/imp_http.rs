//! Agent HTTP beyond the basics: request timeouts, the streaming callback of
//! `sendasync`, and `http.hash`.

mod imp_support;
use imp_support::run;

#[test]
fn a_request_without_an_answer_in_time_completes_with_libcurls_timeout_code() {
    let agent = r#"
        // The handler answers five seconds late.
        http.onrequest(function(request, response) {
            imp.wakeup(5, function() { response.send(200, "late " + request.path); });
        });
        local url = http.agenturl();
        http.get(url + "/a", {}).sendasync(function(r) {
            server.log("a: " + r.statuscode + " " + r.body + " at " + time() % 60);
        }, null, 2);
        http.get(url + "/b", {}).sendasync(function(r) { server.log("b: " + r.statuscode + " " + r.body + " at " + time() % 60); });
        http.get(url + "/c", {}).sendasync(function(r) { server.log("c: " + r.statuscode); }, null, NO_TIMEOUT);
        try { http.get(url, {}).sendasync(@(r) null, null, -3); } catch (e) { server.log(e); }
    "#;
    let log = run("", Some(agent), 700);
    assert_eq!(
        &log[1..],
        [
            "00:00.000 [Agent] sendasync: the timeout must be seconds >= 0, or NO_TIMEOUT",
            "00:00.000 [Status] Device connected",
            "00:02.000 [Agent] a: 28 Operation timed out at 2",
            "00:05.000 [Agent] b: 200 late /b at 5",
            "00:05.000 [Agent] c: 200",
        ]
    );
}

#[test]
fn a_stream_callback_gets_the_body_and_done_gets_the_rest() {
    let agent = r#"
        http.onrequest(function(request, response) { response.send(200, "chunk of data"); });
        local chunks = [];
        http.get(http.agenturl(), {}).sendasync(function(r) {
            server.log("done " + r.statuscode + " body \"" + r.body + "\" after " + chunks.len() + " chunk: " + chunks[0]);
        }, function(chunk) { chunks.push(chunk); });
    "#;
    let log = run("", Some(agent), 1);
    assert_eq!(log[1], "00:00.000 [Agent] done 200 body \"\" after 1 chunk: chunk of data");
}

#[test]
fn hashes_are_blobs_of_the_raw_digest() {
    let agent = r#"
        function hex(b) { local s = ""; foreach (byte in b) s += format("%02x", byte); return s; }
        local data = blob(); data.writestring("abc");
        server.log("md5 " + hex(http.hash.md5("abc")) + " " + typeof http.hash.md5("abc"));
        server.log("sha1 " + hex(http.hash.sha1(data)));
        server.log("sha256 " + hex(http.hash.sha256("abc")));
        server.log("sha512 " + http.hash.sha512("abc").len() + " bytes");
        server.log("hmacsha1 " + hex(http.hash.hmacsha1("The quick brown fox jumps over the lazy dog", "key")));
        server.log("hmacsha256 " + hex(http.hash.hmacsha256("", "")));
        server.log("hmacsha512 " + http.hash.hmacsha512("x", data).len() + " bytes");
    "#;
    let log = run("", Some(agent), 1);
    assert_eq!(
        &log[1..8],
        [
            "00:00.000 [Agent] md5 900150983cd24fb0d6963f7d28e17f72 blob",
            "00:00.000 [Agent] sha1 a9993e364706816aba3e25717850c26c9cd0d89d",
            "00:00.000 [Agent] sha256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "00:00.000 [Agent] sha512 64 bytes",
            "00:00.000 [Agent] hmacsha1 de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9",
            "00:00.000 [Agent] hmacsha256 b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad",
            "00:00.000 [Agent] hmacsha512 64 bytes",
        ]
    );
}
