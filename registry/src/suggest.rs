//! "Did you mean" suggestions for misspelled names.

/// The candidate closest to `name`, when it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(name, c);
        if score >= 0.85 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_near_names_only() {
        let keys = ["gen_ai.agent.name", "gen_ai.agent.id", "server.port"];
        assert_eq!(
            did_you_mean("gen_ai.agent.nmae", keys),
            Some("gen_ai.agent.name")
        );
        assert_eq!(did_you_mean("totally.different", keys), None);
    }
}
