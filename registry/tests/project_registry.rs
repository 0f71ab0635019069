//! The project's own registry (`registry/model`, embedded) must state the same facts as the
//! upstream GenAI snapshot (`$SEMCONV_UPSTREAM/genai-dev/model`), in its own words.

use std::collections::BTreeMap;
use std::path::PathBuf;

use genai_registry::{Attribute, Group, RegistryLoader, ResolvedRegistry};

fn attribute_facts(a: &Attribute) -> String {
    let members: Vec<String> = a
        .members()
        .iter()
        .map(|m| {
            format!(
                "{}={}:{:?}:{:?}",
                m.id,
                m.value,
                m.stability,
                m.deprecated
                    .as_ref()
                    .map(|d| (d.reason(), d.renamed_to().map(str::to_string)))
            )
        })
        .collect();
    let ty = serde_json::to_value(&a.ty).map(|v| {
        if v.is_string() {
            v.to_string()
        } else {
            "enum".into()
        }
    });
    format!(
        "type={} stability={:?} deprecated={:?} members=[{}]",
        ty.unwrap_or_default(),
        a.stability,
        a.deprecated
            .as_ref()
            .map(|d| (d.reason(), d.renamed_to().map(str::to_string))),
        members.join(", ")
    )
}

fn signal_facts(g: &Group) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    out.insert(
        "<signal>".into(),
        format!(
            "kind={:?} span_kind={:?} instrument={:?} unit={:?} level={:?} refines={:?} stability={:?}",
            g.kind(),
            g.as_span().and_then(|s| s.kind),
            g.as_metric().and_then(|m| m.instrument),
            g.as_metric().and_then(|m| m.unit.as_deref()),
            g.signal.requirement_level(),
            g.refines,
            g.stability
        ),
    );
    for a in &g.attributes {
        out.insert(
            a.key.clone(),
            format!(
                "{} sampling_relevant={:?}",
                a.requirement_level.name(),
                a.sampling_relevant.unwrap_or(false)
            ),
        );
    }
    out
}

fn differences(ours: &ResolvedRegistry, theirs: &ResolvedRegistry) -> Vec<String> {
    let mut out = Vec::new();
    for t in &theirs.attributes {
        match ours.attribute(&t.key) {
            None => out.push(format!("attribute `{}` missing", t.key)),
            Some(o) => {
                let (of, tf) = (attribute_facts(o), attribute_facts(t));
                if of != tf {
                    out.push(format!(
                        "attribute `{}`:\n  ours:     {of}\n  upstream: {tf}",
                        t.key
                    ));
                }
                if !t.brief.is_empty() && o.brief.trim() == t.brief.trim() {
                    out.push(format!(
                        "attribute `{}`: brief copied from upstream; write our own",
                        t.key
                    ));
                }
            }
        }
    }
    for o in &ours.attributes {
        if theirs.attribute(&o.key).is_none() {
            out.push(format!("attribute `{}` is not upstream", o.key));
        }
    }
    for t in &theirs.groups {
        if t.kind() == genai_registry::GroupKind::AttributeGroup {
            continue;
        }
        let Some(o) = ours.group(&t.id) else {
            out.push(format!("signal `{}` missing", t.id));
            continue;
        };
        let (of, tf) = (signal_facts(o), signal_facts(t));
        for (k, v) in &tf {
            match of.get(k) {
                None => out.push(format!("`{}` lacks `{k}`", t.id)),
                Some(ov) if ov != v => {
                    out.push(format!("`{}` `{k}`: ours {ov}, upstream {v}", t.id))
                }
                _ => {}
            }
        }
        for k in of.keys().filter(|k| !tf.contains_key(*k)) {
            out.push(format!("`{}` has extra `{k}`", t.id));
        }
    }
    for o in &ours.groups {
        if o.kind() != genai_registry::GroupKind::AttributeGroup && theirs.group(&o.id).is_none() {
            out.push(format!("signal `{}` is not upstream", o.id));
        }
    }
    out
}

#[test]
fn project_registry_states_the_upstream_genai_facts() {
    let Some(root) = std::env::var_os("SEMCONV_UPSTREAM").map(PathBuf::from) else {
        eprintln!("skipping: SEMCONV_UPSTREAM is unset (CI sets it to ../shared/semconv-upstream)");
        return;
    };
    let ours = genai_registry::embedded::load().unwrap_or_else(|d| panic!("{}", d.render()));
    let theirs = RegistryLoader::new()
        .load_dir(root.join("genai-dev/model"))
        .unwrap_or_else(|d| panic!("{}", d.render()));
    let d = differences(&ours.registry, &theirs.registry);
    assert!(
        d.is_empty(),
        "{} difference(s) between registry/model and genai-dev:\n{}",
        d.len(),
        d.join("\n")
    );
    assert!(
        ours.registry.attributes.len() > 80,
        "too few attributes compared"
    );
    assert!(
        ours.registry.spans().count() >= 18,
        "too few spans compared"
    );
}

#[test]
fn embedded_registry_declares_its_version() {
    let ours = genai_registry::embedded::load().unwrap_or_else(|d| panic!("{}", d.render()));
    assert_eq!(ours.registry.version.as_deref(), Some("1.42.0-dev"));
    let usage = ours
        .registry
        .group("metric.gen_ai.client.token.usage")
        .expect("token usage metric");
    assert_eq!(
        usage
            .as_metric()
            .and_then(|m| m.bucket_boundaries.as_ref())
            .map(Vec::len),
        Some(14)
    );
}
