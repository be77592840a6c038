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

/// A pre-session form page's form cookie (`name=value`, empty when it set none) and the CSRF
/// token its form carries: what a browser POSTs back.
pub async fn form_of(page: reqwest::Response) -> (String, String) {
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("einv_form="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let html = page.text().await.unwrap();
    (cookie, csrf_in(&html))
}
