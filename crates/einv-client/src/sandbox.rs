//! For tests and demos against an einv **sandbox** only: play a User in the Platform's web
//! pages, as their browser would, so a consent flow can run without a person.
//!
//! A real app never does this: it sends the User's browser to
//! [`crate::platform::AuthorizationStart::url`] and reads `code` and `state` from its redirect URI.

use crate::{Error, Result};

/// Signs in on the sandbox as the User with `barcode` and `code`, approves the consent page at
/// `authorize_url` (on `base`), and returns the `code` and `state` of the redirect.
pub async fn approve_as_user(
    base: &str,
    authorize_url: &str,
    barcode: &str,
    code: &str,
) -> Result<(String, String)> {
    let fail = |what: &str| Error::Decode(format!("sandbox consent flow: {what}"));
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::Transport(e.to_string()))?;
    let transport = |e: reqwest::Error| Error::Transport(e.to_string());
    let next = authorize_url
        .strip_prefix(base)
        .ok_or_else(|| fail("the URL is not on this Platform"))?;
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    let page = browser
        .get(format!("{base}/me/login?next={next}"))
        .send()
        .await
        .map_err(transport)?;
    let mut cookies = set_cookies(&page);
    let mut form = hidden_inputs(&page.text().await.map_err(transport)?);
    form.push(("barcode".into(), barcode.into()));
    form.push(("code".into(), code.into()));
    let signed_in = browser
        .post(format!("{base}/me/login"))
        .header("cookie", cookies.join("; "))
        .form(&form)
        .send()
        .await
        .map_err(transport)?;
    cookies.extend(set_cookies(&signed_in));
    let cookie = cookies.join("; ");
    let consent_page = browser
        .get(authorize_url)
        .header("cookie", &cookie)
        .send()
        .await
        .map_err(transport)?;
    let mut form = hidden_inputs(&consent_page.text().await.map_err(transport)?);
    if form.is_empty() {
        return Err(fail(
            "no consent form: wrong barcode or code, or a refused request",
        ));
    }
    form.push(("decision".into(), "approve".into()));
    let answer = browser
        .post(format!("{base}/oauth/authorize"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .map_err(transport)?;
    let location = answer
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or_else(|| fail("the approval did not redirect"))?;
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    match (get("code"), get("state")) {
        (Some(c), Some(s)) => Ok((c, s)),
        _ => Err(fail(&format!(
            "the redirect carried no code: {}",
            get("error_description").unwrap_or_default()
        ))),
    }
}

/// The `name=value` of every cookie a response sets, as a browser sends them back.
pub fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| c.split(';').next())
        .map(str::to_owned)
        .collect()
}

/// The `<input type="hidden">` fields of a page (values unescaped as maud escapes them).
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

#[cfg(test)]
mod tests {
    #[test]
    fn hidden_inputs_are_read_and_unescaped() {
        let html = r#"<form><input type="hidden" name="csrf" value="a&amp;b"><input name="x" value="y"><input type="hidden" name="scope" value="carrier-invoices donation"></form>"#;
        assert_eq!(
            super::hidden_inputs(html),
            vec![
                ("csrf".into(), "a&b".into()),
                ("scope".into(), "carrier-invoices donation".into())
            ]
        );
    }
}
