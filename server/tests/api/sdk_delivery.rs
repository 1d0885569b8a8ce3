//! The SDK delivered to host pages on other origins: CORS, CORP and Timing-Allow-Origin
//! on every file under `/sdk/` (200 and 304 alike, and preflights), Brotli or gzip
//! as `Accept-Encoding` asks, never a stale compressed copy, and the API's own origin
//! checks left as they were. The SDK files are fakes written into the test server's
//! www folder, so no wasm build is needed.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

use reqwest::{Method, Response};
use serde_json::json;

use crate::harness::{start, Backend, TestServer};

const HOST: &str = "http://127.0.0.1:9";

/// A wasm-bindgen glue big enough to compress, naming `waymark_bg.wasm` as the real
/// one does.
fn fake_glue() -> String {
    let mut glue = String::from("//# allFunctionsCalledOnLoad\n");
    for i in 0..300 {
        glue.push_str(&format!(
            "function __wbg_f{i}(a, b) {{ return a + b * {i}; }}\n"
        ));
    }
    glue.push_str("export default async function load(m) { m = new URL('waymark_bg.wasm', import.meta.url); }\n");
    glue
}

fn fake_wasm(seed: u8) -> Vec<u8> {
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    for i in 0..4000u32 {
        wasm.push((i % 7) as u8 ^ seed);
        wasm.push(seed);
    }
    wasm
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = brotli::CompressorWriter::new(Vec::new(), 4096, 11, 22);
    out.write_all(bytes).unwrap();
    out.into_inner()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
    out.write_all(bytes).unwrap();
    out.finish().unwrap()
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn set_mtime(path: &Path, time: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

/// Writes `path` and its `.br` and `.gz` copies with the file's modification time, as
/// build.sh does.
fn write_with_copies(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
    let time = mtime(path);
    for (ext, compressed) in [("br", brotli(bytes)), ("gz", gzip(bytes))] {
        let copy = format!("{}.{ext}", path.display());
        std::fs::write(&copy, compressed).unwrap();
        set_mtime(Path::new(&copy), time);
    }
}

fn www(server: &TestServer) -> std::path::PathBuf {
    server.dir.path().join("www")
}

async fn get(server: &TestServer, path: &str, accept: Option<&str>) -> Response {
    let mut request = server.get(path).header("origin", HOST);
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    request.send().await.unwrap()
}

fn header<'a>(res: &'a Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).map(|v| v.to_str().unwrap())
}

/// The glue's text as served plainly, and the hashed wasm path it names.
async fn glue_and_wasm_path(server: &TestServer) -> (String, String) {
    let glue = get(server, "/sdk/waymark.js", None)
        .await
        .text()
        .await
        .unwrap();
    let start = glue.find("waymark_bg.").expect("the glue names the wasm");
    let name = &glue[start..start + glue[start..].find('\'').unwrap()];
    assert_ne!(
        name, "waymark_bg.wasm",
        "the served glue names the hashed wasm"
    );
    (glue.clone(), format!("/sdk/{name}"))
}

fn assert_cross_origin(res: &Response, what: &str) {
    assert_eq!(
        header(res, "access-control-allow-origin"),
        Some("*"),
        "{what}"
    );
    assert_eq!(
        header(res, "cross-origin-resource-policy"),
        Some("cross-origin"),
        "{what}"
    );
    assert_eq!(header(res, "timing-allow-origin"), Some("*"), "{what}");
    assert!(
        header(res, "access-control-allow-credentials").is_none(),
        "{what}: the SDK is sent without credentials"
    );
}

fn varies(res: &Response) -> Vec<String> {
    res.headers()
        .get_all("vary")
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(','))
        .map(|v| v.trim().to_ascii_lowercase())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sdk_file_is_loadable_from_any_origin_on_200_304_and_preflight() {
    let server = start(Backend::Sqlite).await;
    let sdk = www(&server).join("sdk");
    std::fs::write(sdk.join("pick.js"), "export const pick = 1;").unwrap();
    std::fs::write(sdk.join("pick_bg.wasm"), fake_wasm(3)).unwrap();

    let glue = get(&server, "/sdk/waymark.js", None).await;
    assert_eq!(glue.status(), 200);
    assert_cross_origin(&glue, "glue");
    assert!(
        !varies(&glue).contains(&"origin".to_owned()),
        "one answer for every origin: {:?}",
        varies(&glue)
    );
    let etag = header(&glue, "etag").unwrap().to_owned();
    let revalidated = server
        .get("/sdk/waymark.js")
        .header("origin", HOST)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);
    assert_cross_origin(&revalidated, "glue 304");
    assert_eq!(header(&revalidated, "cache-control"), Some("no-cache"));

    let (_, wasm_path) = glue_and_wasm_path(&server).await;
    let wasm = get(&server, &wasm_path, None).await;
    assert_eq!(wasm.status(), 200);
    assert_cross_origin(&wasm, "hashed wasm");
    assert_eq!(
        header(&wasm, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );

    for (path, kind) in [
        ("/sdk/pick.js", "text/javascript"),
        ("/sdk/pick_bg.wasm", "application/wasm"),
    ] {
        let res = get(&server, path, None).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_cross_origin(&res, path);
        assert!(
            header(&res, "content-type").unwrap().starts_with(kind),
            "{path}"
        );
        let modified = header(&res, "last-modified").unwrap().to_owned();
        let again = server
            .get(path)
            .header("origin", HOST)
            .header("if-modified-since", modified)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert_cross_origin(&again, &format!("{path} 304"));
    }

    let preflight = server
        .request(Method::OPTIONS, "/sdk/waymark.js")
        .header("origin", HOST)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "x-requested-with")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_cross_origin(&preflight, "preflight");
    let methods = header(&preflight, "access-control-allow-methods").unwrap();
    assert!(
        methods.contains("GET") && methods.contains("HEAD"),
        "{methods}"
    );
    assert!(!methods.contains("POST"), "{methods}");
    assert_eq!(
        header(&preflight, "access-control-allow-headers"),
        Some("*")
    );
    assert_eq!(header(&preflight, "access-control-max-age"), Some("86400"));

    let post = server
        .request(Method::POST, "/sdk/waymark.js")
        .header("origin", HOST)
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
    assert_eq!(header(&post, "allow"), Some("GET, HEAD, OPTIONS"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_keeps_its_per_app_origin_checks_and_never_answers_any_origin() {
    let server = start(Backend::Sqlite).await;
    let res = server
        .admin(Method::PUT, "/v1/apps/demo")
        .json(&json!({"origins": ["https://purchasing.example.com"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let refused = get(&server, "/v1/apps/demo/guides", None).await;
    assert_eq!(
        refused.status(),
        403,
        "{HOST} is not one of the app's origins"
    );
    assert!(header(&refused, "access-control-allow-origin").is_none());
    assert!(header(&refused, "cross-origin-resource-policy").is_none());

    let allowed = server
        .get("/v1/apps/demo/guides")
        .header("origin", "https://purchasing.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        header(&allowed, "access-control-allow-origin"),
        Some("https://purchasing.example.com")
    );

    let preflight = server
        .request(Method::OPTIONS, "/v1/apps/demo/events")
        .header("origin", HOST)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_ne!(header(&preflight, "access-control-allow-origin"), Some("*"));
    assert_ne!(
        header(&preflight, "access-control-allow-origin"),
        Some(HOST)
    );

    for path in ["/v1/openapi.json", "/healthz", "/demo/app.js", "/"] {
        let res = get(&server, path, None).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(
            header(&res, "access-control-allow-origin").is_none(),
            "{path} is not the SDK"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_glue_is_sent_as_accepted_compressed_from_its_served_bytes_with_an_etag_per_coding() {
    let server = start(Backend::Sqlite).await;
    let sdk = www(&server).join("sdk");
    // Copies of the file as built: they hold `waymark_bg.wasm`, not the hashed name
    // the served glue has, so they must not be what is sent.
    write_with_copies(&sdk.join("waymark.js"), fake_glue().as_bytes());
    let (plain, _) = glue_and_wasm_path(&server).await;

    let mut etags = Vec::new();
    for (accept, coding) in [
        (Some("gzip, deflate, br, zstd"), Some("br")),
        (Some("br"), Some("br")),
        (Some("gzip"), Some("gzip")),
        (Some("br;q=0, gzip"), Some("gzip")),
        (Some("br;q=0.5, gzip;q=0.9"), Some("gzip")),
        (Some("br;q=0"), None),
        (Some("identity"), None),
        (Some("deflate"), None),
        (None, None),
    ] {
        let res = get(&server, "/sdk/waymark.js", accept).await;
        assert_eq!(res.status(), 200, "{accept:?}");
        assert_eq!(header(&res, "content-encoding"), coding, "{accept:?}");
        assert!(
            varies(&res).contains(&"accept-encoding".to_owned()),
            "{accept:?}: {:?}",
            varies(&res)
        );
        assert!(header(&res, "content-type")
            .unwrap()
            .starts_with("text/javascript"));
        let etag = header(&res, "etag").unwrap().to_owned();
        let body = res.bytes().await.unwrap();
        let decoded = match coding {
            Some("br") => unbrotli(&body),
            Some("gzip") => gunzip(&body),
            _ => body.to_vec(),
        };
        assert_eq!(String::from_utf8(decoded).unwrap(), plain, "{accept:?}");
        if coding.is_some() {
            assert!(
                body.len() < plain.len() / 3,
                "{accept:?}: {} bytes",
                body.len()
            );
        }
        etags.push((coding, etag));
    }
    let etag_of = |coding: Option<&str>| {
        etags
            .iter()
            .find(|(c, _)| *c == coding)
            .map(|(_, e)| e.clone())
            .unwrap()
    };
    let (br, gz, identity) = (etag_of(Some("br")), etag_of(Some("gzip")), etag_of(None));
    assert!(
        br != gz && gz != identity && br != identity,
        "{br} {gz} {identity}"
    );
    for (coding, etag) in &etags {
        assert_eq!(*etag, etag_of(*coding), "one ETag per coding: {coding:?}");
    }

    let revalidate = |accept: &'static str, etag: String| {
        server
            .get("/sdk/waymark.js")
            .header("origin", HOST)
            .header("accept-encoding", accept)
            .header("if-none-match", etag)
            .send()
    };
    let same = revalidate("br", br.clone()).await.unwrap();
    assert_eq!(same.status(), 304);
    assert_eq!(header(&same, "etag"), Some(br.as_str()));
    assert_cross_origin(&same, "304 of the br glue");
    let other = revalidate("br", identity.clone()).await.unwrap();
    assert_eq!(
        other.status(),
        200,
        "the plain glue's ETag does not validate the br one"
    );
    assert_eq!(header(&other, "content-encoding"), Some("br"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_go_out_as_their_current_precompressed_copies_as_accepted() {
    let server = start(Backend::Sqlite).await;
    let www = www(&server);
    let pick = fake_glue().replace("waymark_bg", "pick_bg");
    write_with_copies(&www.join("sdk/pick.js"), pick.as_bytes());
    write_with_copies(&www.join("sdk/pick_bg.wasm"), &fake_wasm(5));
    write_with_copies(&www.join("sdk/waymark_bg.wasm"), &fake_wasm(1));
    write_with_copies(&www.join("demo/app.js"), pick.as_bytes());
    write_with_copies(
        &www.join("editor/index.html"),
        b"<h1>editor</h1>".repeat(50).as_slice(),
    );
    let (_, wasm_path) = glue_and_wasm_path(&server).await;

    let cases: [(&str, Vec<u8>); 5] = [
        ("/sdk/pick.js", pick.clone().into_bytes()),
        ("/sdk/pick_bg.wasm", fake_wasm(5)),
        (&wasm_path, fake_wasm(1)),
        ("/demo/app.js", pick.clone().into_bytes()),
        // A History route of the editor: its index.html, compressed too.
        ("/editor/guides/welcome", b"<h1>editor</h1>".repeat(50)),
    ];
    for (path, plain) in cases {
        for (accept, coding) in [
            (Some("gzip, deflate, br"), Some("br")),
            (Some("gzip"), Some("gzip")),
            (Some("br;q=0"), None),
            (Some("br;q=0, gzip;q=0"), None),
            (None, None),
        ] {
            let res = get(&server, path, accept).await;
            assert_eq!(res.status(), 200, "{path} {accept:?}");
            assert_eq!(
                header(&res, "content-encoding"),
                coding,
                "{path} {accept:?}"
            );
            assert!(
                varies(&res).contains(&"accept-encoding".to_owned()),
                "{path} {accept:?}"
            );
            let kind = header(&res, "content-type").unwrap().to_owned();
            let body = res.bytes().await.unwrap();
            let decoded = match coding {
                Some("br") => unbrotli(&body),
                Some("gzip") => gunzip(&body),
                _ => body.to_vec(),
            };
            assert_eq!(decoded, plain, "{path} {accept:?}");
            let expected_kind = if path.ends_with(".wasm") {
                "application/wasm"
            } else if path.ends_with(".js") {
                "text/javascript"
            } else {
                "text/html"
            };
            assert!(kind.starts_with(expected_kind), "{path}: {kind}");
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_left_from_another_build_is_never_served() {
    let server = start(Backend::Sqlite).await;
    let www = www(&server);
    let old = fake_glue();
    let new = old.replace("return a + b", "return a - b");

    // Rebuilt after its copies were written: both copies are older than the file.
    let pick = www.join("sdk/pick.js");
    write_with_copies(&pick, old.as_bytes());
    std::fs::write(&pick, &new).unwrap();
    let later = mtime(&pick) + Duration::from_secs(5);
    set_mtime(&pick, later);
    // And one whose gzip copy was rewritten for the new file but not its br copy.
    let app = www.join("demo/app.js");
    write_with_copies(&app, old.as_bytes());
    std::fs::write(&app, &new).unwrap();
    set_mtime(&app, later);
    std::fs::write(format!("{}.gz", app.display()), gzip(new.as_bytes())).unwrap();
    set_mtime(Path::new(&format!("{}.gz", app.display())), later);

    for (path, coding) in [("/sdk/pick.js", None), ("/demo/app.js", Some("gzip"))] {
        let res = get(&server, path, Some("br, gzip")).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(header(&res, "content-encoding"), coding, "{path}");
        let body = res.bytes().await.unwrap();
        let decoded = if coding.is_some() {
            gunzip(&body)
        } else {
            body.to_vec()
        };
        assert_eq!(String::from_utf8(decoded).unwrap(), new, "{path}");
    }

    // The SDK's wasm is held in memory with its copies only when they decompress to
    // it, whatever their dates say: here the copies are of another build's wasm.
    let wasm = www.join("sdk/waymark_bg.wasm");
    write_with_copies(&wasm, &fake_wasm(1));
    std::fs::write(&wasm, fake_wasm(2)).unwrap();
    set_mtime(&wasm, mtime(&wasm) - Duration::from_secs(60));
    let (_, wasm_path) = glue_and_wasm_path(&server).await;
    let res = get(&server, &wasm_path, Some("br, gzip")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-encoding"), None);
    assert_eq!(res.bytes().await.unwrap().to_vec(), fake_wasm(2));

    // Copies written for the wasm as it now is are picked up without a restart.
    write_with_copies(&wasm, &fake_wasm(2));
    let res = get(&server, &wasm_path, Some("br, gzip")).await;
    assert_eq!(header(&res, "content-encoding"), Some("br"));
    assert_eq!(unbrotli(&res.bytes().await.unwrap()), fake_wasm(2));

    // No copy at all: the plain file, still marked as varying.
    let res = get(&server, "/sdk/waymark_bg.wasm", Some("br")).await;
    assert_eq!(header(&res, "content-encoding"), Some("br"));
    std::fs::remove_file(format!("{}.br", wasm.display())).unwrap();
    std::fs::remove_file(format!("{}.gz", wasm.display())).unwrap();
    let res = get(&server, "/sdk/waymark_bg.wasm", Some("br, gzip")).await;
    assert_eq!(header(&res, "content-encoding"), None);
    assert!(varies(&res).contains(&"accept-encoding".to_owned()));
    assert_eq!(res.bytes().await.unwrap().to_vec(), fake_wasm(2));
    server.stop().await;
}
