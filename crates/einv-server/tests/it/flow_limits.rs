//! R4.6 and R4.9: limits as data. A reviewer gives one licence's AppID its own limit from a
//! given time; it is announced publicly with that time, notified to the Developer, audited,
//! and enforced from then on; refused calls are counted per AppID and shown to the Developer
//! and the reviewer.

use crate::common::*;
use crate::licensing::{licensed, Licensed};
use chrono::Duration;
use einv_core::flow::{FlowLimits, RateLimit};
use einv_core::LicenceId;
use einv_server::error::ServiceError;
use einv_server::services::FlowControl;

const INVAPP: &str = "/PB2CAPIVAN/invapp/InvApp";

/// A Platform counting 3 calls a minute per AppID (and 1000 per IP), with a licence approved
/// for the Developer `email`.
async fn spawn_licensed(email: &str) -> (TestApp, Licensed) {
    let app = spawn().await;
    let l = licensed(&app, email).await;
    (app, l)
}

async fn spawn() -> TestApp {
    TestApp::spawn_with(Backend::Sqlite, |p| {
        p.with_flow_control(
            FlowControl::in_memory(FlowLimits {
                per_ip: RateLimit::new(1000, 60),
                per_app: RateLimit::new(3, 60),
            })
            .with_check_interval(Duration::zero()),
        )
    })
    .await
}

/// One signed QryWinningList of `app_id`, from a fresh device each time: the MOF code.
async fn call(app: &TestApp, app_id: &str, key: &str, n: usize) -> String {
    let mut params: Vec<(&'static str, String)> = vec![
        ("version", "0.2".into()),
        ("action", "QryWinningList".into()),
        ("invTerm", "11510".into()),
        ("UUID", format!("d{n}")),
        ("appID", app_id.into()),
    ];
    sign(&mut params, key);
    app.post(INVAPP, &params).await["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// How many of `n` calls get through flow control.
async fn admitted(app: &TestApp, app_id: &str, key: &str, n: usize, from: usize) -> usize {
    let mut ok = 0;
    for i in 0..n {
        if call(app, app_id, key, from + i).await != "950" {
            ok += 1;
        }
    }
    ok
}

#[tokio::test]
async fn r4_6_a_reviewers_limit_applies_from_its_effective_time_and_is_announced() {
    let (app, l) = spawn_licensed("flow@example.com").await;
    let (id, key) = (l.creds.app_id.clone(), l.creds.api_key.clone());
    let p = &app.platform;
    assert_eq!(
        admitted(&app, &id, &key, 5, 0).await,
        3,
        "the default: 3 per 60 s"
    );

    // Announced a day ahead: not in force until then.
    let tomorrow = p.clock.now() + Duration::days(1);
    p.set_app_limit(
        l.reviewer,
        l.licence,
        Some(RateLimit::new(10, 60)),
        Some(tomorrow),
        "campaign",
    )
    .await
    .unwrap();
    let published = app.get_json("/api/v2/limits").await;
    assert_eq!(published["apps"][0]["appId"], id.as_str(), "{published}");
    assert_eq!(published["apps"][0]["limit"]["calls"], 10);
    let effective = published["apps"][0]["effectiveAt"].as_str().unwrap();
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(effective).unwrap(),
        tomorrow
    );
    assert!(
        app.get_text("/limits").await.contains(id.as_str()),
        "the public page names it"
    );
    app.clock.advance(Duration::seconds(60));
    assert_eq!(
        admitted(&app, &id, &key, 5, 10).await,
        3,
        "not yet in force"
    );

    app.clock.advance(Duration::days(1));
    assert_eq!(
        admitted(&app, &id, &key, 12, 20).await,
        10,
        "its own limit from then on"
    );

    // Lifted: the default again.
    p.set_app_limit(l.reviewer, l.licence, None, None, "campaign over")
        .await
        .unwrap();
    app.clock.advance(Duration::seconds(60));
    assert_eq!(admitted(&app, &id, &key, 5, 40).await, 3);

    // The Developer was told each time, and the trail has both changes.
    let notes = p.developer_notifications(l.developer).await.unwrap();
    assert_eq!(
        notes.iter().filter(|n| n.kind.as_str() == "limits").count(),
        2
    );
    p.flush_audit().await.unwrap();
    let trail = app.get_text("/api/v2/limits").await;
    assert!(
        trail.contains("\"limit\":null"),
        "the lifting is announced too: {trail}"
    );
    app.stop().await;
}

#[tokio::test]
async fn r4_6_a_limit_change_needs_a_reason_a_present_time_and_an_appid() {
    let (app, l) = spawn_licensed("flow2@example.com").await;
    let p = &app.platform;
    let limit = Some(RateLimit::new(10, 60));
    let past = p.clock.now() - Duration::hours(1);
    let field = |e: ServiceError| match e {
        ServiceError::Invalid(v) => v.field,
        other => panic!("{other:?}"),
    };
    let refused = |effective, reason| {
        let set = p.set_app_limit(l.reviewer, l.licence, limit, effective, reason);
        async move { field(set.await.unwrap_err()) }
    };
    assert_eq!(
        refused(Some(past), "x").await,
        "effective",
        "announcements are not backdated (R4.9)"
    );
    assert_eq!(refused(None, "  ").await, "reason");
    let missing = p
        .set_app_limit(l.reviewer, LicenceId::new(999_999), limit, None, "x")
        .await;
    assert!(
        matches!(missing, Err(ServiceError::NotFound(_))),
        "{missing:?}"
    );
    assert!(
        p.limit_announcements().await.unwrap().is_empty(),
        "nothing was announced"
    );
    app.stop().await;
}

/// Calls refused per AppID are counted, stored per hour, and shown on the licence's pages.
#[tokio::test]
async fn r4_6_refused_calls_are_counted_per_appid_and_shown() {
    let (app, l) = spawn_licensed("flow3@example.com").await;
    let (id, key) = (l.creds.app_id.clone(), l.creds.api_key.clone());
    assert_eq!(admitted(&app, &id, &key, 7, 0).await, 3);
    let view = app.platform.app_limit_view(&id).await.unwrap();
    assert_eq!((view.refused_day, view.refused_month), (4, 4));
    assert!(!view.own);
    let today = app.platform.throttled_today().await.unwrap();
    assert_eq!(today, vec![(id.clone(), 4)]);
    // A day later the 24-hour count is empty, the 30-day one keeps them.
    app.clock.advance(Duration::hours(25));
    let later = app.platform.app_limit_view(&id).await.unwrap();
    assert_eq!((later.refused_day, later.refused_month), (0, 4));
    app.stop().await;
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub(crate) async fn sign_in(app: &TestApp, role: &str, email: &str, password: &str) -> String {
    // The sign-in form carries a pre-session CSRF token bound to its form cookie.
    let (form_cookie, csrf) = app.form_token(&format!("/{role}/login")).await;
    let res = no_redirects()
        .post(format!("{}/{role}/login", app.base))
        .header("cookie", form_cookie)
        .form(&[("email", email), ("password", password), ("csrf", &csrf)])
        .send_ok()
        .await;
    assert_eq!(res.status(), 303, "{role} sign-in");
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

/// The harness's reviewer (`reviewer@fia.example`), signed in: the session cookie.
pub(crate) async fn sign_in_reviewer(app: &TestApp) -> String {
    sign_in(app, "reviewer", "reviewer@fia.example", "reviewer password").await
}

pub(crate) async fn page(app: &TestApp, path: &str, cookie: &str) -> (u16, String) {
    let res = no_redirects()
        .get(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .send_ok()
        .await;
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Posts the reviewer's form: the status and where it redirects to (or the body).
async fn post_limit(app: &TestApp, cookie: &str, form: &[(&str, &str)]) -> (u16, String) {
    let res = no_redirects()
        .post(format!("{}/reviewer/limits", app.base))
        .header("cookie", cookie)
        .form(form)
        .send_ok()
        .await;
    let status = res.status().as_u16();
    match res.headers().get("location") {
        Some(to) => (status, to.to_str().unwrap().to_owned()),
        None => (status, res.text().await.unwrap()),
    }
}

/// The reviewer page sets limits; a Developer cannot, a form without the CSRF token changes
/// nothing, a malformed number is named; the Developer's licence page shows the result.
#[tokio::test]
async fn r4_6_only_a_reviewer_sets_limits_through_the_page() {
    let (app, l) = spawn_licensed("flow4@example.com").await;
    let licence = l.licence.to_string();
    let dev = sign_in(
        &app,
        "developer",
        "flow4@example.com",
        "correct horse battery",
    )
    .await;
    let rev = sign_in_reviewer(&app).await;
    let form = |csrf: &str| {
        vec![
            ("licence", licence.clone()),
            ("calls", "50".to_owned()),
            ("window", "60".to_owned()),
            ("burst", "5".to_owned()),
            ("effective", String::new()),
            ("reason", "partner traffic".to_owned()),
            ("csrf", csrf.to_owned()),
        ]
    };

    let (status, _) = page(&app, "/reviewer/limits", &dev).await;
    assert_eq!(
        status, 303,
        "a Developer's session is sent to the reviewer sign-in"
    );
    let refused = post_limit(&app, &dev, &pairs(&form("x"))).await;
    assert_eq!(
        refused,
        (303, "/reviewer/login".to_owned()),
        "a Developer cannot"
    );
    let (status, _) = post_limit(&app, &rev, &pairs(&form(""))).await;
    assert_ne!(status, 303, "no CSRF token, no change");
    assert!(app.platform.limit_announcements().await.unwrap().is_empty());

    let (_, html) = page(&app, "/reviewer/limits", &rev).await;
    let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    let token = html[at..at + 64].to_owned();
    let mut bad = form(&token);
    bad[1].1 = "many".into();
    let (status, body) = post_limit(&app, &rev, &pairs(&bad)).await;
    assert!((400..500).contains(&status), "{status}: {body}");
    assert!(body.contains("calls"), "the field is named: {body}");
    let set = post_limit(&app, &rev, &pairs(&form(&token))).await;
    assert_eq!(set, (303, "/reviewer/limits".to_owned()));
    let limit = app
        .platform
        .app_limit(&l.creds.app_id, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(limit, RateLimit::new(50, 60).with_burst(5));

    let (status, html) = page(&app, &format!("/developer/licences/{licence}"), &dev).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("id=\"flow-limits\"") && html.contains("50/60/5"),
        "{html}"
    );
    app.stop().await;
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// R4.6 per AppID per service as data: a reviewer holds one AppID's winning-numbers calls to
/// a limit of their own; it is announced with the service (page and JSON), applies to that
/// AppID's calls of that service, and lifting it gives back the AppID's limit alone.
#[tokio::test]
async fn r4_6_a_reviewer_sets_an_appids_limit_for_one_service() {
    let (app, l) = spawn_licensed("flow-svc@example.com").await;
    let (id, key) = (l.creds.app_id.clone(), l.creds.api_key.clone());
    let p = &app.platform;
    let one = Some(RateLimit::new(1, 60));
    let winning = Some(einv_core::Service::WinningNumbers);
    p.set_app_service_limit(l.reviewer, l.licence, winning, one, None, "scraping draws")
        .await
        .unwrap();
    let published = app.get_json("/api/v2/limits").await;
    assert_eq!(
        published["apps"][0]["service"], "winning-numbers",
        "{published}"
    );
    assert_eq!(published["apps"][0]["limit"]["calls"], 1);
    let page = app.get_text("/limits?lang=en").await;
    assert!(page.contains("winning-numbers"), "{page}");
    assert_eq!(
        admitted(&app, &id, &key, 3, 0).await,
        1,
        "the service's own limit: 1"
    );
    assert_eq!(
        p.app_limit(&id, winning).await.unwrap(),
        one,
        "in force for the service"
    );
    assert_eq!(
        p.app_limit(&id, Some(einv_core::Service::CarrierInvoices))
            .await
            .unwrap(),
        None,
        "no limit on the AppID's other services"
    );
    p.set_app_service_limit(l.reviewer, l.licence, winning, None, None, "resolved")
        .await
        .unwrap();
    assert_eq!(p.app_limit(&id, winning).await.unwrap(), None, "lifted");
    app.clock.advance(Duration::seconds(60));
    assert_eq!(
        admitted(&app, &id, &key, 5, 10).await,
        3,
        "the AppID's limit alone: 3"
    );
    app.stop().await;
}
