//! What the registry says about an attribute, for the attribute table of a span.
//!
//! Built once per registry from its resolved form (the registry crate owns the meaning; this
//! only indexes it for display): per definition and key, the requirement level and brief the
//! definition gives; per key, the registry attribute's brief, type and deprecation.

use std::collections::HashMap;
use std::sync::Arc;

use genai_registry::{AttributeType, ResolvedRegistry};
use serde::Serialize;

/// The registry's documentation of one attribute as a definition uses it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttrDoc {
    /// The brief (the definition's own, else the registry attribute's).
    pub brief: String,
    /// The type as written (`string`, `int`, `enum`, `template[string]`, ...).
    #[serde(rename = "type")]
    pub ty: String,
    /// The requirement level on the definition (`required`, `recommended`, ...), absent when
    /// the definition does not list the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    /// The condition or note of the requirement level, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Why the attribute is deprecated (and its replacement), when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
}

#[derive(Debug)]
struct KeyDoc {
    brief: Arc<str>,
    ty: Arc<str>,
    deprecated: Option<Arc<str>>,
    template: bool,
}

#[derive(Debug)]
struct UseDoc {
    requirement: &'static str,
    condition: Option<Arc<str>>,
    brief: Option<Arc<str>>,
}

/// Index of attribute documentation by key and by (definition, key).
#[derive(Debug, Default)]
pub struct AttributeDocs {
    keys: HashMap<Box<str>, KeyDoc>,
    uses: HashMap<(Box<str>, Box<str>), UseDoc>,
    groups: HashMap<Box<str>, Box<str>>,
}

fn type_name(ty: &AttributeType) -> String {
    match ty {
        AttributeType::Primitive(p) => p.as_str().to_owned(),
        AttributeType::Template(p) => format!("template[{}]", p.as_str()),
        AttributeType::Enum { members, .. } => {
            let values: Vec<String> = members
                .iter()
                .take(12)
                .map(|m| match &m.value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            let more = if members.len() > 12 { ", ..." } else { "" };
            format!("enum {{{}{more}}}", values.join(", "))
        }
    }
}

impl AttributeDocs {
    /// Indexes a resolved registry.
    pub fn new(registry: &ResolvedRegistry) -> Self {
        let mut docs = AttributeDocs::default();
        for a in &registry.attributes {
            docs.keys.insert(
                a.key.as_str().into(),
                KeyDoc {
                    brief: a.brief.trim().into(),
                    ty: type_name(&a.ty).into(),
                    deprecated: a.deprecated.as_ref().map(|d| {
                        let reason = d.reason();
                        match d.renamed_to() {
                            Some(to) => format!("{reason}: use {to}").into(),
                            None => reason.into(),
                        }
                    }),
                    template: matches!(a.ty, AttributeType::Template(_)),
                },
            );
        }
        for g in &registry.groups {
            docs.groups
                .insert(g.id.as_str().into(), g.brief.trim().into());
            for ga in &g.attributes {
                docs.uses.insert(
                    (g.id.as_str().into(), ga.key.as_str().into()),
                    UseDoc {
                        requirement: ga.requirement_level.name(),
                        condition: ga.requirement_level.text().map(|t| t.trim().into()),
                        brief: ga.brief.as_deref().map(|b| b.trim().into()),
                    },
                );
            }
        }
        docs
    }

    /// The registry attribute of a key: exact, or a template whose key is a prefix.
    fn key_doc(&self, key: &str) -> Option<(&str, &KeyDoc)> {
        if let Some((k, d)) = self.keys.get_key_value(key) {
            return Some((k, d));
        }
        let mut prefix = key;
        while let Some((head, _)) = prefix.rsplit_once('.') {
            if let Some((k, d)) = self.keys.get_key_value(head)
                && d.template
            {
                return Some((k, d));
            }
            prefix = head;
        }
        None
    }

    /// The brief of a definition (group), when it has one.
    pub fn definition_brief(&self, definition: &str) -> Option<&str> {
        self.groups
            .get(definition)
            .map(|b| &**b)
            .filter(|b| !b.is_empty())
    }

    /// The documentation of `key` as `definition` uses it; `None` for a key the registry does
    /// not define.
    pub fn lookup(&self, definition: Option<&str>, key: &str) -> Option<AttrDoc> {
        let (registry_key, doc) = self.key_doc(key)?;
        let usage = definition.and_then(|d| self.uses.get(&(d.into(), registry_key.into())));
        Some(AttrDoc {
            brief: usage
                .and_then(|u| u.brief.as_deref())
                .unwrap_or(&doc.brief)
                .to_owned(),
            ty: doc.ty.to_string(),
            requirement: usage.map(|u| u.requirement.to_owned()),
            condition: usage.and_then(|u| u.condition.as_deref().map(str::to_owned)),
            deprecated: doc.deprecated.as_deref().map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs() -> AttributeDocs {
        let loaded = genai_registry::embedded::load().expect("embedded registry loads");
        AttributeDocs::new(&loaded.registry)
    }

    #[test]
    fn keys_have_briefs_types_and_levels_per_definition() {
        let d = docs();
        let doc = d
            .lookup(Some("span.gen_ai.inference.client"), "gen_ai.request.model")
            .expect("a registry key");
        assert!(!doc.brief.is_empty());
        assert_eq!(doc.ty, "string");
        assert!(doc.requirement.is_some(), "{doc:?}");
        let bare = d
            .lookup(None, "gen_ai.request.model")
            .expect("a registry key");
        assert_eq!(bare.requirement, None);
        assert!(d.lookup(None, "gen_ai.not_a_key").is_none());
    }
}
