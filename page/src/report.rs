//! The HTML: the live page's shell, and the self-contained report file.
//!
//! Both use one template and one script ([`APP_JS`]): the live page loads script and style
//! from the server (`/app.js`, `/app.css`) under a CSP that allows only those; the report
//! inlines them, with a CSP (in a `<meta>` element) that allows exactly their SHA-256 hashes,
//! and embeds the data as a `<script type="application/json">` block, which browsers never
//! run. Data in that block cannot end it: every `<` is written as `\u003c`.

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::view::ReportData;

/// The page's script (vanilla JavaScript, no dependencies).
pub const APP_JS: &str = include_str!("../assets/app.js");
/// The page's style.
pub const APP_CSS: &str = include_str!("../assets/app.css");
const TEMPLATE: &str = include_str!("../assets/page.html");

const HEAD: &str = "<!--HEAD-->";
const SCRIPTS: &str = "<!--SCRIPTS-->";
const TITLE: &str = "<!--TITLE-->";

/// The live page's HTML.
pub fn live_html() -> String {
    TEMPLATE
        .replace(TITLE, "semconv live-check")
        .replace(HEAD, r#"<link rel="stylesheet" href="/app.css">"#)
        .replace(SCRIPTS, r#"<script src="/app.js"></script>"#)
}

fn sha256(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
}

/// Text for HTML element content or a double-quoted attribute.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON that cannot end the `<script>` element it is embedded in.
fn embeddable_json(data: &ReportData) -> String {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "null".into());
    // `<` only occurs inside JSON strings, where `\u003c` means the same.
    json.replace('<', "\\u003c")
}

/// The self-contained report file (no network access: everything inline).
pub fn html(title: &str, data: &ReportData) -> String {
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; img-src data:; \
         base-uri 'none'; form-action 'none'",
        sha256(APP_JS),
        sha256(APP_CSS)
    );
    let head = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n<style>{APP_CSS}</style>"
    );
    let scripts = format!(
        "<script type=\"application/json\" id=\"report-data\">{}</script>\n<script>{APP_JS}</script>",
        embeddable_json(data)
    );
    // Replaced in this order so that nothing inserted is searched again.
    let (before_title, rest) = TEMPLATE.split_once(TITLE).unwrap_or((TEMPLATE, ""));
    let (before_head, rest) = rest.split_once(HEAD).unwrap_or((rest, ""));
    let (before_scripts, after) = rest.split_once(SCRIPTS).unwrap_or((rest, ""));
    let mut out = String::with_capacity(TEMPLATE.len() + scripts.len() + head.len());
    out.push_str(before_title);
    out.push_str(&escape_html(title));
    out.push_str(before_head);
    out.push_str(&head);
    out.push_str(before_scripts);
    out.push_str(&scripts);
    out.push_str(after);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_cannot_close_its_script_element() {
        let mut data = crate::Store::default().report_data(&Default::default(), "r");
        data.summary.registry = "</script><script>alert(1)</script>".into();
        let html = html("<t>", &data);
        assert!(!html.contains("</script><script>alert(1)"));
        assert!(html.contains("\\u003c/script>"));
        assert!(html.contains("<title>&lt;t&gt;</title>"));
        // The CSP names the hashes of exactly the inline script and style.
        assert!(html.contains(&format!("'sha256-{}'", sha256(APP_JS))));
        assert!(html.contains(&format!("<script>{APP_JS}</script>")));
        assert!(html.contains(&format!("<style>{APP_CSS}</style>")));
    }
}
