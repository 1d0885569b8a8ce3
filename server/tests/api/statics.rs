//! Static files: the content-hashed SDK and the single-page apps' History routes.

use crate::harness::{start, Backend};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_glue_names_a_hashed_wasm_that_is_cached_for_a_year() {
    let server = start(Backend::Sqlite).await;
    let res = server.get("/sdk/waymark.js").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let glue = res.text().await.unwrap();
    let start = glue.find("waymark_bg.").expect("the glue names the wasm");
    let name = &glue[start..start + glue[start..].find('\'').unwrap()];
    assert!(
        name.len() == "waymark_bg.".len() + 16 + ".wasm".len(),
        "{name}"
    );

    let revalidated = server
        .get("/sdk/waymark.js")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);

    let wasm = server.get(&format!("/sdk/{name}")).send().await.unwrap();
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(&wasm.bytes().await.unwrap()[..4], b"\0asm");

    // A new build: the glue names the new hash; the old name is gone.
    let sdk = server.dir.path().join("www/sdk");
    std::fs::write(sdk.join("waymark_bg.wasm"), b"\0asm\x01\0\0\0\x00").unwrap();
    let glue = server
        .get("/sdk/waymark.js")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!glue.contains(name), "a rebuilt wasm gets a new name");
    assert_eq!(
        server
            .get(&format!("/sdk/{name}"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // While a rebuild has removed the files, the last build is still served.
    std::fs::remove_file(sdk.join("waymark.js")).unwrap();
    let during = server.get("/sdk/waymark.js").send().await.unwrap();
    assert_eq!(during.status(), 200);
    assert_eq!(during.text().await.unwrap(), glue);
    std::fs::write(
        sdk.join("waymark.js"),
        "export default 1; // 'waymark_bg.wasm'",
    )
    .unwrap();

    let plain = server.get("/sdk/waymark_bg.wasm").send().await.unwrap();
    assert_eq!(plain.headers()["content-type"], "application/wasm");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spa_routes_get_index_html_but_missing_files_stay_404() {
    let server = start(Backend::Sqlite).await;
    for path in [
        "/demo/",
        "/demo/requisitions/new",
        "/demo/approvals",
        "/demo/suppliers/42",
    ] {
        let res = server.get(path).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.text().await.unwrap(), "<h1>demo app</h1>", "{path}");
    }
    assert_eq!(
        server
            .get("/demo/app.js")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "console.log('demo')"
    );
    assert_eq!(
        server
            .get("/demo/missing.js")
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        server
            .get("/editor/guides/welcome")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "<h1>editor</h1>"
    );
    assert_eq!(
        server.get("/").send().await.unwrap().text().await.unwrap(),
        "<h1>Waymark</h1>"
    );
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = no_redirect
        .get(format!("{}/demo", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 308);
    assert_eq!(res.headers()["location"], "/demo/");
    assert_eq!(
        server
            .get("/sdk/..%2F..%2Fguides%2Fwelcome.json")
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let res = server
        .request(reqwest::Method::PATCH, "/v1/apps")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert!(res.text().await.unwrap().contains("PATCH is not allowed"));
    let res = server.get("/v1/nowhere").send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("openapi.json"));
    server.stop().await;
}
