//! A browser's view of the pages: no redirects followed, cookies carried by hand, forms posted
//! with the CSRF token their page carries.

use reqwest::redirect::Policy;

use super::{SendExt, TestApp};

/// A client that shows each redirect instead of following it.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The CSRF token in a page's form.
pub fn csrf_in(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[at..at + 64].to_owned()
}

/// GETs `path` with `cookie`, as a browser opens a page (redirects shown, not followed).
pub async fn get(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    client()
        .get(app.url(path))
        .header("cookie", cookie)
        .send_ok()
        .await
}

/// The page at `path`, which must answer 200 OK.
pub async fn page_text(app: &TestApp, path: &str, cookie: &str) -> String {
    let res = get(app, path, cookie).await;
    assert_eq!(res.status(), reqwest::StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

/// POSTs `form` to `path` with `cookie`, as a browser submits a form.
pub async fn post(
    app: &TestApp,
    path: &str,
    cookie: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client()
        .post(app.url(path))
        .header("cookie", cookie)
        .form(form)
        .send_ok()
        .await
}

/// The `name=value` pair of the cookie `name` a response sets, if it sets one.
pub fn cookie_pair(res: &reqwest::Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&prefix))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// A pre-session form page's form cookie (`name=value`, empty when it set none) and the CSRF
/// token its form carries: what a browser POSTs back.
pub async fn form_of(page: reqwest::Response) -> (String, String) {
    let cookie = cookie_pair(&page, "einv_form").unwrap_or_default();
    let html = page.text().await.unwrap();
    (cookie, csrf_in(&html))
}
