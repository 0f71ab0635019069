//! Finding the price of a model name as telemetry carries it.

use crate::table::{PriceTable, ProviderPrices, TokenPrices};

/// A price found for a model name.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PriceMatch<'t> {
    /// The table provider whose entry matched.
    pub provider: &'t str,
    /// The entry's model id.
    pub model: &'t str,
    /// The prices.
    pub prices: &'t TokenPrices,
}

/// Region prefixes of Bedrock cross-region inference profiles (`us.anthropic.claude-...`).
const REGION_PREFIXES: &[&str] = &[
    "us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca.",
];
/// Vendor prefixes of Bedrock model ids (`anthropic.claude-...`).
const VENDOR_PREFIXES: &[&str] = &[
    "anthropic.",
    "amazon.",
    "meta.",
    "mistral.",
    "cohere.",
    "ai21.",
    "deepseek.",
    "openai.",
    "qwen.",
    "writer.",
];

/// The names to try for `model`, most specific first: as given (lower-cased), then without a
/// path (`models/`, `publishers/google/models/`), without a Bedrock region and vendor prefix,
/// with `@` as `-` (Vertex AI versions), without a `-v1:0`-like version suffix, and without a
/// trailing date (`-20250929`, `-2024-08-06`).
pub(crate) fn candidates(model: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(6);
    let push = |s: &str, out: &mut Vec<String>| {
        if !s.is_empty() && !out.iter().any(|c| c == s) {
            out.push(s.to_string());
        }
    };
    let mut s = model.trim().to_lowercase();
    push(&s, &mut out);
    if let Some(i) = s.rfind('/') {
        s = s[i + 1..].to_string();
        push(&s, &mut out);
    }
    if let Some(rest) = REGION_PREFIXES.iter().find_map(|p| s.strip_prefix(p)) {
        s = rest.to_string();
        push(&s, &mut out);
    }
    if let Some(rest) = VENDOR_PREFIXES.iter().find_map(|p| s.strip_prefix(p)) {
        s = rest.to_string();
        push(&s, &mut out);
    }
    if s.contains('@') {
        s = s.replace('@', "-");
        push(&s, &mut out);
    }
    if let Some(i) = s.rfind(":") {
        s.truncate(i);
        push(&s, &mut out);
    }
    if let Some(i) = s.rfind("-v")
        && s[i + 2..].chars().all(|c| c.is_ascii_digit())
        && s.len() > i + 2
    {
        s.truncate(i);
        push(&s, &mut out);
    }
    if let Some(base) = strip_date(&s) {
        push(base, &mut out);
    }
    out
}

/// `name` without a trailing `-YYYYMMDD` or `-YYYY-MM-DD`.
fn strip_date(name: &str) -> Option<&str> {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let b = name.as_bytes();
    if b.len() > 9 && b[b.len() - 9] == b'-' && digits(&name[b.len() - 8..]) {
        return Some(&name[..b.len() - 9]);
    }
    if b.len() > 11 {
        let tail = &name[b.len() - 11..];
        let parts: Vec<&str> = tail[1..].split('-').collect();
        if tail.starts_with('-')
            && parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 2
            && parts[2].len() == 2
            && parts.iter().all(|p| digits(p))
        {
            return Some(&name[..b.len() - 11]);
        }
    }
    None
}

/// Appends `p` unless it is in `order` already.
fn add<'t>(p: &'t ProviderPrices, order: &mut Vec<&'t ProviderPrices>) {
    if !order.iter().any(|q| std::ptr::eq(*q, p)) {
        order.push(p);
    }
}

impl PriceTable {
    /// The price of `model` (a `gen_ai.response.model` or `gen_ai.request.model` value) at
    /// `provider` (a `gen_ai.provider.name` value).
    ///
    /// Tried in order: the providers that price `provider`, then the providers they fall back
    /// to (Azure to OpenAI), then providers whose own model rule matches (a Claude model on
    /// Bedrock finds Anthropic's price when Bedrock has none). Within a provider, each
    /// candidate name (see the crate docs: dated versions find the base entry) is tried against
    /// the models in order; the first match wins. `None`: no known price (never a zero).
    pub fn find(&self, provider: Option<&str>, model: &str) -> Option<PriceMatch<'_>> {
        let names = candidates(model);
        let mut order: Vec<&ProviderPrices> = Vec::new();
        // Two passes over a small list: no map needed.
        let mut primary: Vec<&ProviderPrices> = Vec::new();
        if let Some(name) = provider {
            for p in &self.providers {
                if p.names.iter().any(|n| n == name) || p.id == name {
                    primary.push(p);
                }
            }
        }
        for p in &primary {
            add(p, &mut order);
        }
        for p in &primary {
            for f in &p.fallback {
                if let Some(q) = self.providers.iter().find(|q| &q.id == f) {
                    add(q, &mut order);
                }
            }
        }
        for p in &self.providers {
            if p.model_match
                .as_ref()
                .is_some_and(|r| names.iter().any(|n| r.matches(n)))
            {
                add(p, &mut order);
            }
        }
        for p in order {
            for n in &names {
                if let Some(m) = p.models.iter().find(|m| m.rule.matches(n)) {
                    return Some(PriceMatch {
                        provider: &p.id,
                        model: &m.id,
                        prices: &m.prices,
                    });
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_strip_prefixes_versions_and_dates() {
        assert_eq!(
            candidates("us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            [
                "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "anthropic.claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4-5-20250929-v1",
                "claude-sonnet-4-5-20250929",
                "claude-sonnet-4-5",
            ]
        );
        assert_eq!(
            candidates("claude-sonnet-4-5@20250929"),
            [
                "claude-sonnet-4-5@20250929",
                "claude-sonnet-4-5-20250929",
                "claude-sonnet-4-5"
            ]
        );
        assert_eq!(
            candidates("GPT-4o-2024-08-06"),
            ["gpt-4o-2024-08-06", "gpt-4o"]
        );
        assert_eq!(
            candidates("models/gemini-2.5-flash"),
            ["models/gemini-2.5-flash", "gemini-2.5-flash"]
        );
    }
}
