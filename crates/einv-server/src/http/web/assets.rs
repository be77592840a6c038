//! The portal's one stylesheet, served as a file so the Content-Security-Policy needs no
//! `'unsafe-inline'` for styles.

use axum::http::header;
use axum::response::IntoResponse;

/// Where the stylesheet is served.
pub const STYLESHEET: &str = "/assets/site.css";

/// The stylesheet. Colours meet WCAG AA contrast on their backgrounds; the focus ring is the
/// GOV.UK yellow-and-black one, visible on every background the pages use.
const CSS: &str = r#"
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"Noto Sans TC","PingFang TC","Microsoft JhengHei",sans-serif;line-height:1.6;color:#1d2733;background:#f5f7fa}
a{color:#0b4f8a}a:visited{color:#4c2c92}
:focus-visible{outline:3px solid #ffdd00;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}
a:focus-visible{background:#ffdd00;color:#0b0c0c}
.skip{position:absolute;left:-999rem;top:0;background:#ffdd00;color:#0b0c0c;padding:.5rem 1rem;z-index:10}
.skip:focus{left:0}
header{background:#0b5394;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.8rem;align-items:center}
header a,header a:visited{color:#fff;text-decoration:none}header .brand{font-weight:700;margin-right:auto}
header nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.2rem .9rem;margin:0;padding:0}
header a[aria-current=page]{text-decoration:underline;text-underline-offset:.3rem;text-decoration-thickness:3px;font-weight:700}
header a:focus-visible{color:#0b0c0c}
main{max-width:60rem;margin:0 auto;padding:1rem}main:focus{outline:none}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:1.6rem}
.table-wrap{overflow-x:auto;max-width:100%;margin:.5rem 0}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.95rem}th,td{border:1px solid #d5dbe3;padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:#e9eef5}caption{text-align:left;font-weight:600;padding:.3rem 0}
.card{background:#fff;border:1px solid #d5dbe3;border-radius:.4rem;padding:1rem;margin:1rem 0}
form.stack label{display:block;margin:.6rem 0 .2rem;font-weight:600}
input,select,textarea{font:inherit;padding:.45rem;width:100%;max-width:32rem;border:1px solid #5f6b7a;border-radius:.3rem;background:#fff;color:#1d2733}
input[type=checkbox],input[type=radio]{width:auto}
input[aria-invalid=true],select[aria-invalid=true],textarea[aria-invalid=true]{border:3px solid #b3261e}
.hint{color:#4a5562;font-size:.9rem;margin:0 0 .2rem}
button,.button,a.button:visited{font:inherit;background:#0b5394;color:#fff;border:0;border-radius:.3rem;padding:.5rem 1rem;margin:.6rem .4rem 0 0;cursor:pointer;text-decoration:none;display:inline-block}
button.danger,a.button.danger{background:#b3261e}button.secondary,a.button.secondary{background:#4a5562}
.inline{display:inline}
.flash{background:#fff4ce;border:1px solid #e5c100;padding:.6rem;border-radius:.3rem}
.error{background:#fde7e9;border:1px solid #b3261e;padding:.6rem;border-radius:.3rem}
.error-summary{border:4px solid #b3261e;background:#fff;padding:1rem;margin:1rem 0}
.error-summary h2{margin-top:0}.error-summary a{color:#b3261e;font-weight:700}
.field-error{color:#b3261e;font-weight:700;margin:.2rem 0}
.success{border:4px solid #00703c;background:#fff;padding:1rem;margin:1rem 0}
.success h2{margin-top:0;color:#00703c}
.panel{background:#00703c;color:#fff;padding:1.2rem;text-align:center;border-radius:.3rem}
.panel h2{margin:0;font-size:1.6rem}.panel strong{font-size:1.3rem;letter-spacing:.05em}
.badge{display:inline-block;padding:0 .5rem;border-radius:.8rem;font-size:.85rem;font-weight:700;border:1px solid}
.badge.ok{background:#e3f4ea;color:#00552d;border-color:#00703c}.badge.warn{background:#fff4ce;color:#5c4400;border-color:#b58800}
.badge.bad{background:#fde7e9;color:#8a1c15;border-color:#b3261e}.badge.neutral{background:#eef1f5;color:#37414d;border-color:#5f6b7a}
.secret{font-family:ui-monospace,monospace;background:#112;color:#9f9;padding:.6rem;word-break:break-all}
.pre-wrap{white-space:pre-wrap}.plain{font-weight:normal}
.badge.wait{background:#fff4ce;color:#5c4400;border-color:#b58800}.badge.info{background:#eef1f5;color:#37414d;border-color:#5f6b7a}
ol.progress{display:flex;flex-wrap:wrap;gap:.3rem;list-style:none;padding:0;margin:.6rem 0}ol.progress li{padding:.2rem .7rem;border-radius:1rem;border:1px solid #aab4c0;background:#fff;color:#3d4a59}
ol.progress li.done{background:#e6f4ea;border-color:#0d5f2c;color:#0d5f2c}ol.progress li[aria-current]{background:#0b5394;color:#fff;border-color:#0b5394;font-weight:700}
.scroll{overflow-x:auto;max-width:100%}del{background:#fde7e9}ins{background:#e6f4ea;text-decoration:none}
.filter-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.6rem}
.muted{color:#4a5562;font-size:.9rem}
.visually-hidden{position:absolute!important;width:1px;height:1px;margin:0;padding:0;overflow:hidden;clip:rect(0 0 0 0);border:0}
details summary{cursor:pointer;color:#0b4f8a}
.pager{display:flex;gap:1rem;align-items:center;margin:1rem 0}
footer{max-width:60rem;margin:2rem auto;padding:0 1rem;color:#4a5562;font-size:.85rem}
footer ul{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem 1rem;padding:0}
@media (max-width:40rem){table{font-size:.85rem}th,td{padding:.3rem}header{gap:.4rem}}
"#;

/// `GET /assets/site.css`.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        CSS,
    )
}
