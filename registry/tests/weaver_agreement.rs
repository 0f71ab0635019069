//! Resolves every upstream snapshot and compares the facts with what Weaver 0.25.1 resolved
//! (`$SEMCONV_UPSTREAM/weaver-resolved/<snapshot>.yaml`): attribute keys, types and enum members,
//! and per signal the attribute set with requirement levels. Every difference is printed. Every
//! upstream file must also pass the JSON Schema check.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use genai_registry::{
    AttributeType, GroupKind, RegistryLoader, RequirementLevel, ResolvedRegistry,
};
use serde_json::Value;

fn upstream() -> Option<PathBuf> {
    match std::env::var_os("SEMCONV_UPSTREAM") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            eprintln!(
                "skipping: SEMCONV_UPSTREAM is unset (CI sets it to ../shared/semconv-upstream)"
            );
            None
        }
    }
}

/// Attribute facts: type spelling and enum members `id=value`.
type AttrFacts = BTreeMap<String, (String, BTreeSet<String>)>;
/// Signal facts: id -> attribute -> requirement level (with condition text).
type SignalFacts = BTreeMap<String, BTreeMap<String, String>>;

fn member_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn weaver_level(v: Option<&Value>) -> String {
    match v {
        None => "recommended".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(m)) => m
            .iter()
            .next()
            .map(|(k, t)| match k.as_str() {
                "conditionally_required" => format!(
                    "conditionally_required: {}",
                    t.as_str().unwrap_or("").trim()
                ),
                other => other.to_string(),
            })
            .unwrap_or_default(),
        Some(other) => other.to_string(),
    }
}

fn our_level(l: &RequirementLevel) -> String {
    match l {
        RequirementLevel::ConditionallyRequired(t) => {
            format!("conditionally_required: {}", t.trim())
        }
        other => other.name().to_string(),
    }
}

fn weaver_facts(doc: &Value) -> (AttrFacts, SignalFacts) {
    let mut attrs = AttrFacts::new();
    let mut signals = SignalFacts::new();
    for g in doc["groups"].as_array().into_iter().flatten() {
        let kind = g["type"].as_str().unwrap_or("");
        let mut set = BTreeMap::new();
        for a in g["attributes"].as_array().into_iter().flatten() {
            let name = a["name"].as_str().unwrap_or("").to_string();
            let (ty, members) = match &a["type"] {
                Value::String(s) => (s.clone(), BTreeSet::new()),
                Value::Object(o) => (
                    "enum".to_string(),
                    o.get("members")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|m| {
                            format!(
                                "{}={}",
                                m["id"].as_str().unwrap_or(""),
                                member_value(&m["value"])
                            )
                        })
                        .collect(),
                ),
                other => (other.to_string(), BTreeSet::new()),
            };
            attrs.insert(name.clone(), (ty, members));
            set.insert(name, weaver_level(a.get("requirement_level")));
        }
        if matches!(kind, "span" | "event" | "metric" | "entity") {
            signals.insert(g["id"].as_str().unwrap_or("").to_string(), set);
        }
    }
    (attrs, signals)
}

fn our_facts(r: &ResolvedRegistry) -> (AttrFacts, SignalFacts) {
    let attrs = r
        .attributes
        .iter()
        .map(|a| {
            let facts = match &a.ty {
                AttributeType::Primitive(p) => (p.as_str().to_string(), BTreeSet::new()),
                AttributeType::Template(p) => {
                    (format!("template[{}]", p.as_str()), BTreeSet::new())
                }
                AttributeType::Enum { members, .. } => (
                    "enum".to_string(),
                    members
                        .iter()
                        .map(|m| format!("{}={}", m.id, member_value(&m.value)))
                        .collect(),
                ),
            };
            (a.key.clone(), facts)
        })
        .collect();
    let signals = r
        .groups
        .iter()
        .filter(|g| {
            matches!(
                g.kind(),
                GroupKind::Span | GroupKind::Event | GroupKind::Metric | GroupKind::Entity
            )
        })
        .map(|g| {
            (
                g.id.clone(),
                g.attributes
                    .iter()
                    .map(|a| (a.key.clone(), our_level(&a.requirement_level)))
                    .collect(),
            )
        })
        .collect();
    (attrs, signals)
}

fn diff(snapshot: &str, dir: &str) -> Vec<String> {
    let Some(root) = upstream() else {
        return Vec::new();
    };
    let loaded = match RegistryLoader::new()
        .schema_check(true)
        .load_dir(root.join(dir))
    {
        Ok(l) => l,
        Err(d) => return vec![format!("{snapshot}: does not resolve:\n{}", d.render())],
    };
    let text = std::fs::read_to_string(
        root.join("weaver-resolved")
            .join(format!("{snapshot}.yaml")),
    )
    .expect("weaver output readable");
    let doc: Value = serde_saphyr::from_str(&text).expect("weaver output parses");
    let (wa, ws) = weaver_facts(&doc);
    let (oa, os) = our_facts(&loaded.registry);
    let mut out = Vec::new();
    for (k, v) in &wa {
        match oa.get(k) {
            None => out.push(format!("{snapshot}: attribute `{k}` missing")),
            Some(o) if o != v => out.push(format!(
                "{snapshot}: attribute `{k}`: ours {o:?}, weaver {v:?}"
            )),
            _ => {}
        }
    }
    for k in oa.keys().filter(|k| !wa.contains_key(*k)) {
        out.push(format!("{snapshot}: attribute `{k}` is extra"));
    }
    for (id, wset) in &ws {
        let Some(oset) = os.get(id) else {
            out.push(format!("{snapshot}: signal `{id}` missing"));
            continue;
        };
        for (k, l) in wset {
            match oset.get(k) {
                None => out.push(format!("{snapshot}: `{id}` lacks `{k}` ({l})")),
                Some(ol) if ol != l => out.push(format!(
                    "{snapshot}: `{id}` `{k}`: ours `{ol}`, weaver `{l}`"
                )),
                _ => {}
            }
        }
        for k in oset.keys().filter(|k| !wset.contains_key(*k)) {
            out.push(format!("{snapshot}: `{id}` has extra `{k}`"));
        }
    }
    for id in os.keys().filter(|id| !ws.contains_key(*id)) {
        out.push(format!("{snapshot}: signal `{id}` is extra"));
    }
    if out.is_empty() {
        eprintln!(
            "{snapshot}: {} attributes and {} signals agree with Weaver",
            wa.len(),
            ws.len()
        );
    }
    out
}

fn check(snapshot: &str, dir: &str) {
    let d = diff(snapshot, dir);
    assert!(
        d.is_empty(),
        "{} difference(s) from Weaver:\n{}",
        d.len(),
        d.join("\n")
    );
}

#[test]
fn v1_37_0() {
    check("v1.37.0", "v1.37.0/model");
}

#[test]
fn v1_41_1() {
    check("v1.41.1", "v1.41.1/model");
}

#[test]
fn v1_44_0() {
    check("v1.44.0", "v1.44.0/model");
}

#[test]
fn v1_44_0_full() {
    check("v1.44.0-full", "v1.44.0-full/model");
}

#[test]
fn genai_dev() {
    check("genai-dev", "genai-dev/model");
}
