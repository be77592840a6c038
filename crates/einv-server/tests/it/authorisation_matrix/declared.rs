//! The routes the source declares: each `.route("…", get(…).post(…))` in `src/http`, the blank
//! pages from their `Blank::… => "…"` arms, the v1 actions each v1 handler matches (or names
//! as its `one_action`).

use std::collections::BTreeSet;
use std::path::Path;

use super::Access::V1;

/// The v1 handler file that answers each v1 path (its actions are read from it).
const V1_FILES: &[(&str, &str)] = &[
    ("/PB2CAPIVAN/invapp/InvApp", "v1/invapp.rs"),
    ("/PB2CAPIVAN/loveCodeapp/qryLoveCode", "v1/lovecode.rs"),
    ("/PB2CAPIVAN/invServ/InvServ", "v1/invserv.rs"),
    ("/PB2CAPIVAN/CarInv/Donate", "v1/donate.rs"),
    ("/PB2CAPIVAN/Carrier/Aggregate", "v1/aggregate.rs"),
];

fn http_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http")
}

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(http_dir()).unwrap().display().to_string();
            out.push((rel, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// The text of the call starting at `open` (the index of its `(`), up to its matching `)`.
fn call_text(text: &str, open: usize) -> &str {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open + 1..open + i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced .route( call")
}

/// `"…" =>` arm names of at least four characters in `text` (action names, blank pages).
fn arms(text: &str) -> BTreeSet<String> {
    text.split("=>")
        .filter_map(|before| before.trim_end().strip_suffix('"'))
        .filter_map(|s| s.rsplit('"').next())
        .filter(|s| s.len() >= 4 && s.chars().all(char::is_alphanumeric))
        .map(str::to_owned)
        .collect()
}

/// The v1 actions a handler file answers: its `"…" =>` arms, and the one action of a handler
/// that answers only one (`one_action(&params, "…", …)`).
fn v1_actions(text: &str) -> BTreeSet<String> {
    let mut actions = arms(text);
    for (at, call) in text.match_indices("one_action(") {
        let args = call_text(text, at + call.len() - 1);
        let name = args.split(',').nth(1).map(|a| a.trim().trim_matches('"'));
        actions.extend(name.filter(|n| !n.is_empty()).map(str::to_owned));
    }
    actions
}

/// `=> "…"` arm values in `text` (the blank pages' names).
fn arm_values(text: &str) -> BTreeSet<String> {
    text.split("=>")
        .skip(1)
        .filter_map(|after| after.trim_start().strip_prefix('"'))
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// (method, path) for every route in `src/http`; v1 paths once per action they answer.
pub(super) fn declared_routes() -> BTreeSet<(String, String)> {
    let mut files = Vec::new();
    sources(&http_dir(), &mut files);
    let mut routes = BTreeSet::new();
    for (name, text) in &files {
        for (at, _) in text.match_indices(".route(") {
            let call = call_text(text, at + ".route".len());
            let args = call.trim_start();
            let Some(rest) = args.strip_prefix('"') else {
                // Built from a name: only the blank pages are, from the `Blank::… => "…"` arms
                // of their kind (v1/blank_form.rs).
                assert_eq!(
                    name, "v1/blank.rs",
                    "a route with a computed path in {name}"
                );
                let kinds = files.iter().find(|(n, _)| n == "v1/blank_form.rs");
                let kinds = &kinds.expect("v1/blank_form.rs declares the blank pages").1;
                for page in arm_values(kinds)
                    .into_iter()
                    .filter(|a| a.ends_with("Blank"))
                {
                    routes.insert(("ANY".into(), format!("/PB2CAPIVAN/APIService/{page}")));
                }
                continue;
            };
            let path = rest.split('"').next().unwrap_or_default().to_owned();
            let handler = &rest[path.len() + 1..];
            for method in ["get", "post", "put", "patch", "delete", "any"] {
                let called = handler.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0 || !handler[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                });
                if !called {
                    continue;
                }
                let method = method.to_uppercase();
                match V1_FILES.iter().find(|(p, _)| *p == path) {
                    Some((_, file)) => {
                        let source = &files.iter().find(|(n, _)| n == file).unwrap().1;
                        for action in v1_actions(source) {
                            routes.insert((method.clone(), format!("{path}#{action}")));
                        }
                    }
                    None => {
                        routes.insert((method, path.clone()));
                    }
                }
            }
        }
    }
    routes
}

/// (method, path) for every row; v1 paths once per action.
pub(super) fn matrix_routes() -> BTreeSet<(String, String)> {
    super::rows::all()
        .map(|(method, path, access)| {
            let path = match access {
                V1(action) => format!("{path}#{action}"),
                _ => (*path).to_owned(),
            };
            ((*method).to_owned(), path)
        })
        .collect()
}
