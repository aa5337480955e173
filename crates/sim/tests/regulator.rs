//! The regulator simulator: the shipped files byte for byte at the regulator's paths, a price
//! movement appended, a file replaced, refusals with their wait, calls counted.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics with its reason.

use hearth_sim::regulator::{File, RETRY_AFTER_SECS, RegulatorSim};
use reqwest::StatusCode;

async fn get(url: &str) -> reqwest::Response {
    reqwest::get(url).await.unwrap()
}

#[tokio::test]
async fn the_files_are_served_at_the_regulators_paths_and_follow_the_switches() {
    let sim = RegulatorSim::start().await.unwrap();
    assert!(
        sim.base_url()
            .ends_with("/fileadmin/Documents/Open_data/Marches_de_detail/")
    );
    for file in File::ALL {
        let response = get(&sim.file_url(file)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.bytes().await.unwrap(), file.snapshot(), "{file:?}");
    }
    assert_eq!(
        get(&format!("{}Option_EJP.csv", sim.base_url()))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // A movement appended: the file as before, then the row on a line of its own.
    sim.append_row(File::Base, "01/02/2027;;6;150,00;190,00;0,1500;0,2345");
    let body = get(&sim.file_url(File::Base)).await.bytes().await.unwrap();
    assert!(body.starts_with(File::Base.snapshot()));
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert_eq!(
        text.lines().last(),
        Some("01/02/2027;;6;150,00;190,00;0,1500;0,2345")
    );

    sim.serve_body(File::HpHc, "garbage");
    assert_eq!(
        get(&sim.file_url(File::HpHc)).await.text().await.unwrap(),
        "garbage"
    );

    sim.fail_with(StatusCode::SERVICE_UNAVAILABLE);
    let refused = get(&sim.file_url(File::Tempo)).await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        refused.headers()["retry-after"].to_str().unwrap(),
        RETRY_AFTER_SECS.to_string()
    );
    sim.fail_with(StatusCode::INTERNAL_SERVER_ERROR);
    let refused = get(&sim.file_url(File::Tempo)).await;
    assert_eq!(refused.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(refused.headers().get("retry-after").is_none());
    sim.recover();
    assert_eq!(
        get(&sim.file_url(File::Tempo)).await.status(),
        StatusCode::OK
    );

    // 3 files, the unknown one, 2 reads, 2 refusals, 1 after recovering.
    assert_eq!(sim.calls(), 9);
    sim.stop().await;
}
