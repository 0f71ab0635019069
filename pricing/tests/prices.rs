//! Lookups and costs on the embedded table, and the three table shapes `--prices` reads.

use genai_pricing::{PriceTable, Usage, embedded};

fn found(provider: Option<&str>, model: &str) -> (String, String, f64, f64) {
    let m = embedded()
        .find(provider, model)
        .unwrap_or_else(|| panic!("{provider:?} {model} has no price"));
    let per = |p: &Option<genai_pricing::Price>| p.as_ref().map_or(-1.0, |p| p.per_mtok(0));
    (
        m.provider.to_string(),
        m.model.to_string(),
        per(&m.prices.input),
        per(&m.prices.output),
    )
}

#[test]
fn embedded_table_is_dated_and_attributed() {
    let t = embedded();
    assert_eq!(t.date.as_deref(), Some("2026-08-21"));
    assert!(t.label().contains("2026-08-21"), "{}", t.label());
    assert!(
        t.sources
            .iter()
            .any(|s| s.contains("genai-prices") && s.contains("MIT"))
    );
    assert!(
        t.sources
            .iter()
            .any(|s| s.contains("models.dev") && s.contains("MIT"))
    );
    assert!(t.model_count() > 100, "{}", t.model_count());
}

#[test]
fn dated_versions_find_the_base_price() {
    assert_eq!(
        found(Some("openai"), "gpt-4o-2024-08-06"),
        ("openai".into(), "gpt-4o".into(), 2.5, 10.0)
    );
    assert_eq!(
        found(Some("openai"), "gpt-4o-mini-2024-07-18"),
        ("openai".into(), "gpt-4o-mini".into(), 0.15, 0.6)
    );
    assert_eq!(
        found(Some("anthropic"), "claude-sonnet-4-5-20250929"),
        ("anthropic".into(), "claude-sonnet-4-5".into(), 3.0, 15.0)
    );
}

#[test]
fn vertex_and_bedrock_model_ids_find_their_price() {
    // Vertex AI's own entry for Claude Sonnet 4.x (genai-prices' `claude-4-sonnet` rule).
    assert_eq!(
        found(Some("gcp.vertex_ai"), "claude-sonnet-4-5@20250929"),
        ("gcp".into(), "claude-4-sonnet".into(), 3.0, 15.0)
    );
    assert_eq!(
        found(
            Some("aws.bedrock"),
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
        ),
        (
            "aws.bedrock".into(),
            "regional.anthropic.claude-sonnet-4-5-20250929-v1:0".into(),
            3.3,
            16.5
        )
    );
}

#[test]
fn azure_falls_back_to_openai_prices_and_unknown_models_have_none() {
    let (_, _, input, output) = found(Some("azure.ai.openai"), "gpt-4o-mini");
    assert_eq!((input, output), (0.15, 0.6));
    assert!(embedded().find(Some("openai"), "my-finetune-xyz").is_none());
    assert!(embedded().find(None, "mock-model").is_none());
}

#[test]
fn cost_prices_each_token_kind_apart() {
    let m = embedded()
        .find(Some("openai"), "gpt-4o")
        .expect("gpt-4o is priced");
    // 1000 input of which 400 cached, 200 output: 600*2.5 + 400*1.25 + 200*10 per million.
    let c = m.prices.cost(&Usage {
        input: 1000,
        output: 200,
        cache_read: 400,
        ..Usage::default()
    });
    assert!((c.input - 0.0015).abs() < 1e-12, "{c:?}");
    assert!((c.cache_read - 0.0005).abs() < 1e-12, "{c:?}");
    assert!((c.output - 0.002).abs() < 1e-12, "{c:?}");
    assert!((c.total - 0.004).abs() < 1e-12, "{c:?}");
}

#[test]
fn tiers_apply_from_their_input_tokens() {
    let m = embedded()
        .find(Some("anthropic"), "claude-sonnet-4-5")
        .expect("priced");
    let small = m.prices.cost(&Usage {
        input: 100_000,
        ..Usage::default()
    });
    let large = m.prices.cost(&Usage {
        input: 250_000,
        ..Usage::default()
    });
    assert!((small.total - 0.3).abs() < 1e-9, "{small:?}");
    assert!((large.total - 1.5).abs() < 1e-9, "{large:?}");
}

const OWN: &str = r#"{
  "format": "genai-semconv-prices/1",
  "name": "team prices",
  "date": "2026-11-01",
  "providers": [
    {"id": "openai", "names": ["openai"], "models": [
      {"id": "gpt-4o", "match": {"starts_with": "gpt-4o"}, "input": 1.0, "output": 2.0}
    ]},
    {"id": "acme", "names": ["acme"], "models": [
      {"id": "acme-1", "match": {"equals": "acme-1"}, "input": 0.5, "output": 0.5,
       "reasoning": 4.0}
    ]}
  ]
}"#;

#[test]
fn own_shape_extends_and_overrides_the_embedded_table() {
    let mut t = embedded().clone();
    t.extend(PriceTable::from_json(OWN).expect("own shape"));
    let m = t.find(Some("openai"), "gpt-4o-2024-08-06").expect("priced");
    assert_eq!(m.prices.input.as_ref().map(|p| p.per_mtok(0)), Some(1.0));
    let a = t.find(Some("acme"), "acme-1").expect("new provider");
    // Reasoning tokens are part of the output and priced apart: 100 at 0.5 + 50 at 4.0.
    let c = a.prices.cost(&Usage {
        output: 150,
        reasoning: 50,
        ..Usage::default()
    });
    assert!(
        (c.total - (100.0 * 0.5 + 50.0 * 4.0) / 1e6).abs() < 1e-15,
        "{c:?}"
    );
    assert_eq!(t.date.as_deref(), Some("2026-11-01"));
    assert!(t.name.contains("team prices"), "{}", t.name);
    // The embedded table is still there underneath.
    assert!(t.find(Some("anthropic"), "claude-sonnet-4-5").is_some());
}

#[test]
fn upstream_shapes_read_too() {
    let gp = r#"[{"id": "openai", "name": "OpenAI", "models": [
        {"id": "gpt-x", "match": {"or": [{"equals": "gpt-x"}, {"regex": "^gpt-x-\\d+$"}]},
         "prices": [{"prices": {"input_mtok": 9}},
                    {"constraint": {"start_date": "2026-01-01"}, "prices": {"input_mtok": 3, "output_mtok": 6}}]}]}]"#;
    let t = PriceTable::from_json(gp).expect("genai-prices shape");
    let m = t.find(Some("openai"), "gpt-x-42").expect("regex rule");
    assert_eq!(m.prices.input.as_ref().map(|p| p.per_mtok(0)), Some(3.0));
    let md = r#"{"committed": "2026-07-02", "providers": {"xai": {"models": {
        "grok-9": {"cost": {"input": 1, "output": 2, "cache_read": 0.25}},
        "grok-free": {}}}}}"#;
    let t = PriceTable::from_json(md).expect("models.dev shape");
    let m = t.find(Some("x_ai"), "grok-9").expect("mapped provider");
    assert_eq!(
        m.prices.cache_read.as_ref().map(|p| p.per_mtok(0)),
        Some(0.25)
    );
    assert!(
        t.find(Some("x_ai"), "grok-free").is_none(),
        "no cost is unpriced, not free"
    );
    assert_eq!(t.date.as_deref(), Some("2026-07-02"));
}

#[test]
fn bad_tables_are_errors_not_panics() {
    for bad in [
        "",
        "{",
        "42",
        r#"{"format": "genai-semconv-prices/1"}"#,
        r#"[{"id": "x", "models": [{"id": "m", "match": {"regex": "("}, "prices": {}}]}]"#,
    ] {
        assert!(
            PriceTable::from_json(bad).is_err(),
            "{bad:?} read as a table"
        );
    }
}

#[test]
fn prices_without_an_output_price_say_what_they_cannot_price() {
    let m = embedded()
        .find(Some("openai"), "gpt-4o")
        .expect("gpt-4o is priced");
    let mut input_only = m.prices.clone();
    input_only.output = None;
    let usage = |input, output| Usage {
        input,
        output,
        ..Usage::default()
    };
    for (prices, u, missing) in [
        (m.prices, usage(10, 5), vec![]),
        (&input_only, usage(10, 0), vec![]),
        (&input_only, usage(10, 5), vec!["output"]),
        (
            &genai_pricing::TokenPrices::default(),
            usage(1, 1),
            vec!["input", "output"],
        ),
    ] {
        assert_eq!(prices.missing_for(&u), missing);
        assert_eq!(prices.prices_all_of(&u), missing.is_empty());
    }
}
