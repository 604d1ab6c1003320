//! The Events API for a team: beyond loopback only over HTTPS (rustls), reached by the
//! public name it was started with, token and Host checks as on loopback.

use crate::utils::started_engine;
use hookdesk_engine::ErrorKind;
use hookdesk_engine::api::ApiListen;
use std::net::SocketAddr;

#[tokio::test]
async fn the_api_beyond_loopback_needs_tls_and_answers_its_public_name_over_https() {
    let t = started_engine().await;
    let anywhere: SocketAddr = "0.0.0.0:0".parse().unwrap();
    let e = t.start_api_on(ApiListen { addr: anywhere, tls: None, public_hosts: vec![] }).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert!(e.to_string().contains("only over HTTPS"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let issued = rcgen::generate_simple_self_signed(vec!["hookdesk.test".to_string()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, issued.cert.pem()).unwrap();
    std::fs::write(&key, issued.key_pair.serialize_pem()).unwrap();
    let bad = t
        .start_api_on(ApiListen { addr: anywhere, tls: Some((dir.path().join("missing.pem"), key.clone())), public_hosts: vec![] })
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("missing.pem"), "{bad}");

    let listen = ApiListen { addr: anywhere, tls: Some((cert.clone(), key.clone())), public_hosts: vec!["hookdesk.test".into()] };
    let port = t.start_api_on(listen).await.unwrap().port();
    assert_eq!(t.api_url().await.unwrap(), format!("https://0.0.0.0:{port}"));
    hookdesk_engine::net::local_client(); // installs the process's crypto provider
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(issued.cert.pem().as_bytes()).unwrap())
        .resolve("hookdesk.test", SocketAddr::from(([127, 0, 0, 1], port)))
        .no_proxy()
        .build()
        .unwrap();
    let base = format!("https://hookdesk.test:{port}");
    assert_eq!(client.get(format!("{base}/v1/health")).send().await.unwrap().status(), 200);
    let token = t.api_token().await.unwrap();
    assert_eq!(client.get(format!("{base}/v1/webhooks")).send().await.unwrap().status(), 401, "the token is still needed");
    assert_eq!(client.get(format!("{base}/v1/webhooks")).bearer_auth(&token).send().await.unwrap().status(), 200);
    let other_name = client.get(format!("{base}/v1/health")).header("host", "evil.example").send().await.unwrap();
    assert_eq!(other_name.status(), 403, "a name it was not started with");
    // Plain HTTP to the HTTPS port gets no answer from the API.
    let plain = hookdesk_engine::net::local_client().get(format!("http://127.0.0.1:{port}/v1/health")).send().await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
}
