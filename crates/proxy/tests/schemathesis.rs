//! The API against its own OpenAPI document, with schemathesis (PyPI): generated requests on
//! every operation, every check (status codes, content types, response schemas, negative data
//! rejected, unsupported methods…), a bounded number of examples.
//!
//! Ignored by a plain `cargo test`: `scripts/test.sh` installs schemathesis in a venv under the
//! target directory and runs this with `--ignored`, naming the executable in
//! `HEARTH_SCHEMATHESIS`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use common::{Backing, enedis_setup, link};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs schemathesis: scripts/test.sh installs it and runs this"]
async fn the_api_matches_its_openapi_document() {
    let exe = std::env::var("HEARTH_SCHEMATHESIS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/schemathesis-venv/bin/schemathesis"
        )
        .to_owned()
    });
    assert!(
        std::path::Path::new(&exe).exists(),
        "schemathesis is not installed at {exe}: run scripts/test.sh"
    );
    // Limits high enough that the generated requests measure the API, not the rate limits.
    let s = enedis_setup(
        Backing::sqlite(),
        |sim| sim,
        &["--requests-per-minute", "1000000"],
    )
    .await;
    let tokens = link(&s.proxy.url).await;
    let access = tokens["access_token"].as_str().unwrap();
    let reports = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new(&exe)
        .arg("run")
        .arg(format!("{}/openapi.json", s.proxy.url))
        .args(["--url", &s.proxy.url])
        .args(["--checks", "all"])
        .args(["--max-examples", "30", "--seed", "8628", "--workers", "2"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--request-timeout", "30", "--no-color"])
        .args(["-H", &format!("Authorization: Bearer {access}")])
        .arg("--report-dir")
        .arg(reports.path())
        .kill_on_drop(true)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "schemathesis found problems:\n{stdout}\n{stderr}"
    );
    println!("{stdout}");
    assert!(stdout.contains("passed"), "{stdout}");
    assert!(
        !stdout.contains("Missing test data"),
        "every operation is reached beyond its 404s: {stdout}"
    );
}
