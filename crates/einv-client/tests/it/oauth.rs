//! The consent flow (OAuth 2.0 + PKCE) through `PlatformClient`, the User's browser played by a
//! cookie-carrying HTTP client.

use einv_client::{Error, PlatformClient};
use einv_core::Service;

use crate::harness::Live;

/// Plays the User: signs in with barcode and code, approves on the consent page, returns the
/// `code` and `state` of the redirect.
pub async fn approve_as_user(base: &str, url: &str, barcode: &str, code: &str) -> (String, String) {
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let next = url.strip_prefix(base).unwrap();
    let login = browser
        .get(format!("{base}/me/login?next={}", urlencode(next)))
        .send()
        .await
        .unwrap();
    let page = login.text().await.unwrap();
    let mut form = hidden_inputs(&page);
    form.push(("barcode".into(), barcode.into()));
    form.push(("code".into(), code.into()));
    let res = browser
        .post(format!("{base}/me/login"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .collect();
    let cookie = cookies.join("; ");
    let page = browser
        .get(url)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut form = hidden_inputs(&page);
    form.push(("decision".into(), "approve".into()));
    let res = browser
        .post(format!("{base}/oauth/authorize"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    let location = res
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    (get("code"), get("state"))
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The `<input type="hidden">` fields of an HTML page (maud escapes `&"<>`).
pub fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')? + start;
        Some(
            tag[start..end]
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        )
    };
    html.split("<input")
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
        .filter(|tag| tag.contains("type=\"hidden\""))
        .filter_map(|tag| Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default())))
        .collect()
}

#[tokio::test]
async fn a_user_consents_through_pkce_and_the_tokens_refresh_and_introspect() {
    let live = Live::start().await;
    let platform = PlatformClient::new(live.config()).unwrap();
    let consent =
        einv_server::services::standard_consent(&[Service::CarrierInvoices, Service::Donation]);
    let start = platform.authorize("http://127.0.0.1:8765/callback", &consent);
    let (code, state) = approve_as_user(
        &live.base,
        &start.url,
        &live.demo.card_no,
        &live.demo.card_encrypt,
    )
    .await;
    assert!(!code.is_empty(), "the consent page redirected with a code");

    // A forged state is refused before any exchange.
    assert!(matches!(
        platform.exchange(&start, &code, "forged").await,
        Err(Error::OAuth { .. })
    ));
    let tokens = platform.exchange(&start, &code, &state).await.unwrap();
    assert_eq!(
        tokens.services,
        vec![Service::CarrierInvoices, Service::Donation]
    );
    // A code is single use.
    assert!(matches!(
        platform.exchange(&start, &code, &state).await,
        Err(Error::OAuth { .. })
    ));

    let seen = platform.introspect(&tokens.access_token).await.unwrap();
    assert!(seen.active && seen.consent_lapses_at.is_some());
    let renewed = platform.refresh(&tokens).await.unwrap();
    assert!(
        platform
            .introspect(&renewed.access_token)
            .await
            .unwrap()
            .active
    );
    live.stop().await;
}
