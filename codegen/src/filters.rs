//! The template filters: case conversions, rustdoc-safe comments and Rust string literals.
//!
//! Every filter is a plain function, registered by [`register`] and usable directly.

use minijinja::Environment;

/// Registers every filter of this module in `env`.
pub fn register(env: &mut Environment<'_>) {
    env.add_filter("snake_case", |s: &str| snake_case(s));
    env.add_filter("screaming_snake_case", |s: &str| screaming_snake_case(s));
    env.add_filter("pascal_case", |s: &str| pascal_case(s));
    env.add_filter("comment", |s: &str| comment(s));
    env.add_filter("rust_str", |s: &str| rust_str(s));
}

/// Splits an identifier-like string into lowercase words: on every character that is not
/// alphanumeric and between a lowercase letter or digit and an uppercase letter.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `gen_ai.request.maxTokens` -> `gen_ai_request_max_tokens`.
pub fn snake_case(s: &str) -> String {
    words(s).join("_")
}

/// `gen_ai.request.max_tokens` -> `GEN_AI_REQUEST_MAX_TOKENS`.
pub fn screaming_snake_case(s: &str) -> String {
    snake_case(s).to_uppercase()
}

/// `gen_ai.operation.name` -> `GenAiOperationName`.
pub fn pascal_case(s: &str) -> String {
    words(s)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// A Rust string literal (quotes included) holding `s`.
pub fn rust_str(s: &str) -> String {
    format!("{s:?}")
}

/// Turns prose (Markdown from a registry) into `///` doc comment lines that rustdoc reads as
/// written: `[`/`]` outside links and `<` outside autolinks are escaped, bare URLs become
/// autolinks, untagged or `rust` code fences become `text` (so they are not doctests), and
/// indentation is capped so that nothing turns into an indented (doctest) code block.
pub fn comment(s: &str) -> String {
    let text = doc_text(s);
    if text.is_empty() {
        return String::new();
    }
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "///".to_string()
            } else {
                format!("/// {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rustdoc-safe Markdown text of [`comment`], without the `///` prefixes.
pub fn doc_text(s: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<String> = None;
    for raw in s.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if let Some(marker) = fence.clone() {
            if trimmed.starts_with(marker.as_str()) {
                fence = None;
                out.push(marker);
            } else {
                out.push(line.to_string());
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let marker: String = trimmed
                .chars()
                .take_while(|c| *c == '`' || *c == '~')
                .collect();
            let lang = trimmed[marker.len()..].trim();
            let lang = if lang.is_empty() || lang == "rust" {
                "text"
            } else {
                lang
            };
            out.push(format!("{marker}{lang}"));
            fence = Some(marker);
            continue;
        }
        let indent = (line.len() - trimmed.len()).min(2);
        out.push(format!("{}{}", " ".repeat(indent), escape_inline(trimmed)));
    }
    if let Some(marker) = fence {
        out.push(marker);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    let start = out.iter().position(|l| !l.is_empty()).unwrap_or(out.len());
    out[start..].join("\n")
}

/// Escapes one line of Markdown outside code spans.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        match rest.find('`') {
            Some(i) => {
                out.push_str(&escape_plain(&rest[..i]));
                let ticks = rest[i..].chars().take_while(|c| *c == '`').count();
                let marker = &rest[i..i + ticks];
                match rest[i + ticks..].find(marker) {
                    Some(j) => {
                        let end = i + ticks + j + ticks;
                        out.push_str(&rest[i..end]);
                        rest = &rest[end..];
                    }
                    None => {
                        out.push_str(&"\\`".repeat(ticks));
                        rest = &rest[i + ticks..];
                    }
                }
            }
            None => {
                out.push_str(&escape_plain(rest));
                rest = "";
            }
        }
    }
    out
}

/// Escapes plain Markdown text (no code spans).
fn escape_plain(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    // Positions of `[` that open a Markdown link `[text](...)`, and their `]`.
    let mut link_brackets = std::collections::BTreeSet::new();
    for (open, c) in chars.iter().enumerate() {
        if *c != '[' {
            continue;
        }
        if let Some(close) = chars[open + 1..]
            .iter()
            .position(|c| *c == ']')
            .map(|p| p + open + 1)
            && chars.get(close + 1) == Some(&'(')
            && !chars[open + 1..close].contains(&'[')
        {
            link_brackets.insert(open);
            link_brackets.insert(close);
        }
    }
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..].iter().collect();
        if (rest.starts_with("http://") || rest.starts_with("https://"))
            && !matches!(i.checked_sub(1).map(|p| chars[p]), Some('<' | '(' | '"'))
        {
            let len = rest
                .find(|c: char| c.is_whitespace() || c == '>' || c == ')')
                .unwrap_or(rest.len());
            let url = rest[..len].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            i += url.chars().count();
            continue;
        }
        match c {
            '[' | ']' if !link_brackets.contains(&i) => {
                out.push('\\');
                out.push(c);
            }
            '<' if !(rest.starts_with("<http://") || rest.starts_with("<https://")) => {
                out.push_str("\\<");
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(
            snake_case("gen_ai.request.maxTokens"),
            "gen_ai_request_max_tokens"
        );
        assert_eq!(
            screaming_snake_case("gen_ai.operation.name"),
            "GEN_AI_OPERATION_NAME"
        );
        assert_eq!(pascal_case("gcp.gen_ai"), "GcpGenAi");
        assert_eq!(pascal_case("_OTHER"), "Other");
        assert_eq!(pascal_case("logging/setLevel"), "LoggingSetLevel");
        assert_eq!(pascal_case("x_ai"), "XAi");
    }

    #[test]
    fn string_literals() {
        assert_eq!(rust_str("a \"b\"\\\n"), r#""a \"b\"\\\n""#);
    }

    #[test]
    fn rustdoc_safe_comments() {
        assert_eq!(
            doc_text("see [!WARNING] and `a[0]` or [docs](https://x.io), <key> at https://x.io/a."),
            "see \\[!WARNING\\] and `a[0]` or [docs](https://x.io), \\<key> at <https://x.io/a>."
        );
        assert_eq!(doc_text("```\nfn x() {}\n```"), "```text\nfn x() {}\n```");
        assert_eq!(doc_text("\n- a\n        - b\n"), "- a\n  - b");
        assert_eq!(comment("one\n\ntwo"), "/// one\n///\n/// two");
        assert_eq!(doc_text("an `unclosed tick"), "an \\`unclosed tick");
    }
}
