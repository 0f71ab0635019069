//! Resolution: turns the files of a registry (and its resolved dependencies) into one
//! [`ResolvedRegistry`], applying `ref`, `extends`, `include`, `ref_group` and refinements.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use crate::diagnostic::{ErrorKind, RegistryError};
use crate::loader::{FileContent, LoadedFile, LoadedRegistry};
use crate::model::common::{
    Deprecated, Instrument, RequirementLevel, SignalRequirementLevel, SpanKind, Stability,
};
use crate::model::resolved::{
    Attribute, EntitySignal, EventSignal, Group, GroupAttribute, GroupKind, MetricSignal,
    Provenance, ResolvedRegistry, Signal, SpanSignal,
};
use crate::model::spec::{AttributeRefV2, AttributeV1, GroupType, RefinementV2, Visibility};
use crate::source::Location;
use crate::suggest::did_you_mean;

/// Fields an attribute item may set on a group; each one set overrides the inherited value.
#[derive(Debug, Clone, Default)]
struct Overrides {
    requirement_level: Option<RequirementLevel>,
    sampling_relevant: Option<bool>,
    brief: Option<String>,
    note: Option<String>,
    examples: Option<serde_json::Value>,
    stability: Option<Stability>,
    deprecated: Option<Deprecated>,
    annotations: Option<serde_json::Value>,
    role: Option<String>,
}

impl Overrides {
    fn apply(&self, ga: &mut GroupAttribute) {
        if let Some(v) = &self.requirement_level {
            ga.requirement_level = v.clone();
        }
        macro_rules! set {
            ($($f:ident),*) => {$( if self.$f.is_some() { ga.$f = self.$f.clone(); } )*};
        }
        set!(
            sampling_relevant,
            brief,
            note,
            examples,
            stability,
            deprecated,
            annotations,
            role
        );
    }

    fn from_group_attribute(ga: &GroupAttribute) -> Self {
        Overrides {
            requirement_level: Some(ga.requirement_level.clone()),
            sampling_relevant: ga.sampling_relevant,
            brief: ga.brief.clone(),
            note: ga.note.clone(),
            examples: ga.examples.clone(),
            stability: ga.stability,
            deprecated: ga.deprecated.clone(),
            annotations: ga.annotations.clone(),
            role: ga.role.clone(),
        }
    }
}

/// One item of a group's attribute list, in either format.
#[derive(Debug)]
enum Item {
    /// An attribute defined in this group (classic format) or referenced, with overrides.
    Attr {
        key: String,
        loc: Location,
        is_ref: bool,
        overrides: Box<Overrides>,
    },
    /// Attributes of another group (`ref_group`, `include`).
    Group { id: String, loc: Location },
}

/// A group or signal of either format, before resolution.
#[derive(Debug)]
struct RawGroup {
    meta: Meta,
    loc: Location,
    internal: bool,
    parent: Option<(String, Location, bool)>,
    items: Vec<Item>,
}

/// A resolved dependency registry, as seen from the registry that depends on it.
#[derive(Debug)]
pub struct Dependency {
    /// Its resolved content.
    pub registry: ResolvedRegistry,
    /// How it is named in provenance (schema URL or path).
    pub label: String,
}

enum State {
    Visiting,
    Done(BTreeMap<String, GroupAttribute>),
}

struct Resolver<'a> {
    groups: HashMap<String, RawGroup>,
    order: Vec<String>,
    catalog: HashMap<String, (Attribute, Option<Location>)>,
    deps: &'a [Dependency],
    state: HashMap<String, State>,
    errors: &'a mut Vec<RegistryError>,
}

fn is_excluded(annotations: Option<&serde_json::Value>) -> bool {
    annotations
        .and_then(|a| a.pointer("/dependency_resolution/exclude"))
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false)
}

fn relative(root: Option<&Path>, file: &LoadedFile) -> String {
    let p = file.source.path.as_path();
    root.and_then(|r| p.strip_prefix(r).ok())
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The fields of a group or signal while it is being resolved, whatever its kind (files set
/// them one by one, refinements inherit them one by one); [`Meta::into_group`] keeps only
/// those of its kind.
#[derive(Debug, Clone)]
struct Meta {
    id: String,
    kind: GroupKind,
    refines: Option<String>,
    brief: String,
    note: Option<String>,
    stability: Option<Stability>,
    deprecated: Option<Deprecated>,
    requirement_level: Option<SignalRequirementLevel>,
    span_type: Option<String>,
    span_kind: Option<SpanKind>,
    span_name: Option<String>,
    event_name: Option<String>,
    body: Option<serde_json::Value>,
    metric_name: Option<String>,
    instrument: Option<Instrument>,
    unit: Option<String>,
    bucket_boundaries: Option<Vec<f64>>,
    entity_type: Option<String>,
    annotations: Option<serde_json::Value>,
    provenance: Provenance,
}

impl Meta {
    fn from_group(g: &Group) -> Self {
        let mut m = empty_group(g.id.clone(), g.kind(), g.provenance.clone());
        m.refines = g.refines.clone();
        m.brief = g.brief.clone();
        m.note = g.note.clone();
        m.stability = g.stability;
        m.deprecated = g.deprecated.clone();
        m.annotations = g.annotations.clone();
        m.requirement_level = g.signal.requirement_level();
        match &g.signal {
            Signal::Span(s) => {
                m.span_type = s.span_type.clone();
                m.span_kind = s.kind;
                m.span_name = s.name.clone();
            }
            Signal::Event(e) => {
                m.event_name = e.name.clone();
                m.body = e.body.clone();
            }
            Signal::Metric(x) => {
                m.metric_name = x.name.clone();
                m.instrument = x.instrument;
                m.unit = x.unit.clone();
                m.bucket_boundaries = x.bucket_boundaries.clone();
            }
            Signal::Entity(e) => m.entity_type = e.entity_type.clone(),
            _ => {}
        }
        m
    }

    fn into_group(self, attributes: Vec<GroupAttribute>) -> Group {
        let requirement_level = self.requirement_level;
        let signal = match self.kind {
            GroupKind::Span => Signal::Span(SpanSignal {
                requirement_level,
                span_type: self.span_type,
                kind: self.span_kind,
                name: self.span_name,
                facts: Default::default(),
            }),
            GroupKind::Event => Signal::Event(EventSignal {
                requirement_level,
                name: self.event_name,
                body: self.body,
            }),
            GroupKind::Metric => Signal::Metric(MetricSignal {
                requirement_level,
                name: self.metric_name,
                instrument: self.instrument,
                unit: self.unit,
                bucket_boundaries: self.bucket_boundaries,
            }),
            GroupKind::Entity => Signal::Entity(EntitySignal {
                requirement_level,
                entity_type: self.entity_type,
            }),
            other => Signal::empty(other),
        };
        let mut g = Group::new(self.id, self.kind, self.provenance);
        g.refines = self.refines;
        g.brief = self.brief;
        g.note = self.note;
        g.stability = self.stability;
        g.deprecated = self.deprecated;
        g.annotations = self.annotations;
        g.attributes = attributes;
        g.signal = signal;
        g
    }
}

fn empty_group(id: String, kind: GroupKind, provenance: Provenance) -> Meta {
    Meta {
        id,
        kind,
        refines: None,
        brief: String::new(),
        note: None,
        stability: None,
        deprecated: None,
        requirement_level: None,
        span_type: None,
        span_kind: None,
        span_name: None,
        event_name: None,
        body: None,
        metric_name: None,
        instrument: None,
        unit: None,
        bucket_boundaries: None,
        entity_type: None,
        annotations: None,
        provenance,
    }
}

fn v2_items(
    list: &[AttributeRefV2],
    role: Option<&str>,
    errors: &mut Vec<RegistryError>,
) -> Vec<Item> {
    let mut items = Vec::with_capacity(list.len());
    for a in list {
        match (&a.reference, &a.ref_group) {
            (Some(r), None) => items.push(Item::Attr {
                key: r.value.clone(),
                loc: r.loc.clone(),
                is_ref: true,
                overrides: Box::new(Overrides {
                    requirement_level: a.requirement_level.as_ref().map(|l| l.value.clone()),
                    sampling_relevant: a.sampling_relevant,
                    brief: a.brief.clone(),
                    note: a.note.clone(),
                    examples: a.examples.clone(),
                    stability: a.stability,
                    deprecated: a.deprecated.clone(),
                    annotations: a.annotations.clone(),
                    role: role.map(str::to_string),
                }),
            }),
            (None, Some(g)) => {
                let has_more = a.requirement_level.is_some()
                    || a.brief.is_some()
                    || a.note.is_some()
                    || a.examples.is_some()
                    || a.stability.is_some()
                    || a.deprecated.is_some()
                    || a.sampling_relevant.is_some()
                    || a.annotations.is_some();
                if has_more {
                    errors.push(
                        RegistryError::new(
                            ErrorKind::Invalid,
                            g.loc.clone(),
                            format!("`ref_group: {}` cannot carry other fields", g.value),
                        )
                        .with_help("move the overrides to `- ref: <key>` items of their own"),
                    );
                }
                items.push(Item::Group {
                    id: g.value.clone(),
                    loc: g.loc.clone(),
                });
            }
            (Some(r), Some(_)) => errors.push(
                RegistryError::new(
                    ErrorKind::Invalid,
                    r.loc.clone(),
                    "an attribute item has both `ref` and `ref_group`",
                )
                .with_help("split it into two items"),
            ),
            (None, None) => {}
        }
    }
    items
}

fn bucket_boundaries(annotations: Option<&serde_json::Value>) -> Option<Vec<f64>> {
    annotations?
        .pointer("/advice/explicit_bucket_boundaries")?
        .as_array()?
        .iter()
        .map(serde_json::Value::as_f64)
        .collect()
}

/// Resolves a loaded registry against its resolved dependencies.
pub fn resolve(
    reg: &LoadedRegistry,
    deps: &[Dependency],
    errors: &mut Vec<RegistryError>,
) -> ResolvedRegistry {
    let mut r = Resolver {
        groups: HashMap::new(),
        order: Vec::new(),
        catalog: HashMap::new(),
        deps,
        state: HashMap::new(),
        errors,
    };
    let root = reg.root.as_deref();
    for file in &reg.files {
        let prov = Provenance::Path(relative(root, file));
        match &file.content {
            FileContent::V1(f) => {
                for g in &f.groups {
                    r.add_v1_group(g, &prov);
                }
            }
            FileContent::V2(f) => r.add_v2_file(f, &prov),
        }
    }
    let imports: Vec<String> = reg
        .files
        .iter()
        .filter_map(|f| match &f.content {
            FileContent::V1(v) => v.imports.as_ref(),
            FileContent::V2(v) => v.imports.as_ref(),
        })
        .flat_map(|i| {
            i.attribute_groups
                .iter()
                .cloned()
                .chain(i.spans.iter().map(|s| format!("span.{s}")))
                .chain(i.events.iter().map(|s| format!("event.{s}")))
                .chain(i.metrics.iter().map(|s| format!("metric.{s}")))
                .chain(i.entities.iter().map(|s| format!("entity.{s}")))
        })
        .collect();
    r.finish(reg, imports)
}

impl Resolver<'_> {
    fn add_attribute(&mut self, attr: Attribute, loc: Location) {
        if let Some((_, Some(first))) = self.catalog.get(&attr.key) {
            let first = first.clone();
            self.errors.push(
                RegistryError::new(
                    ErrorKind::DuplicateAttribute,
                    loc,
                    format!("attribute `{}` is defined twice", attr.key),
                )
                .with_label("second definition")
                .with_related(first, "first defined here")
                .with_help("keep one definition and use `ref:` everywhere else"),
            );
            return;
        }
        self.catalog.insert(attr.key.clone(), (attr, Some(loc)));
    }

    fn add_group(&mut self, g: RawGroup) {
        if let Some(first) = self.groups.get(&g.meta.id) {
            self.errors.push(
                RegistryError::new(
                    ErrorKind::DuplicateGroup,
                    g.loc.clone(),
                    format!("`{}` is defined twice", g.meta.id),
                )
                .with_label("second definition")
                .with_related(first.loc.clone(), "first defined here")
                .with_help("group, span, event and metric ids must be unique; rename one of them"),
            );
            return;
        }
        self.order.push(g.meta.id.clone());
        self.groups.insert(g.meta.id.clone(), g);
    }

    fn v1_attribute(
        &mut self,
        a: &AttributeV1,
        prefix: Option<&str>,
        prov: &Provenance,
    ) -> Option<Item> {
        let overrides = Overrides {
            requirement_level: a.requirement_level.as_ref().map(|l| l.value.clone()),
            sampling_relevant: a.sampling_relevant,
            brief: a.brief.clone(),
            note: a.note.clone(),
            examples: a.examples.clone(),
            stability: a.stability,
            deprecated: a.deprecated.clone(),
            annotations: a.annotations.clone(),
            role: a.role.clone(),
        };
        match (&a.id, &a.reference) {
            (Some(id), None) => {
                let key = match prefix {
                    Some(p) if !p.is_empty() => format!("{p}.{}", id.value),
                    _ => id.value.clone(),
                };
                let Some(ty) = &a.ty else {
                    self.errors.push(
                        RegistryError::new(
                            ErrorKind::Format,
                            id.loc.clone(),
                            format!("attribute `{key}` has no `type`"),
                        )
                        .with_help("add `type: string` (or int, double, boolean, any, an array, `template[...]`, or `members:`)"),
                    );
                    return None;
                };
                let attr = Attribute {
                    key: key.clone(),
                    ty: ty.value.clone(),
                    brief: a.brief.clone().unwrap_or_default().trim_end().to_string(),
                    note: a
                        .note
                        .clone()
                        .map(|n| n.trim_end().to_string())
                        .filter(|n| !n.is_empty()),
                    examples: examples(a.examples.as_ref()),
                    stability: a.stability,
                    deprecated: a.deprecated.clone(),
                    annotations: a.annotations.clone(),
                    provenance: prov.clone(),
                };
                self.add_attribute(attr, id.loc.clone());
                // The defining group uses the attribute with its requirement level only.
                Some(Item::Attr {
                    key,
                    loc: id.loc.clone(),
                    is_ref: false,
                    overrides: Box::new(Overrides {
                        requirement_level: overrides.requirement_level,
                        sampling_relevant: overrides.sampling_relevant,
                        role: overrides.role,
                        ..Overrides::default()
                    }),
                })
            }
            (None, Some(r)) => {
                if let Some(ty) = &a.ty {
                    self.errors.push(
                        RegistryError::new(
                            ErrorKind::Invalid,
                            ty.loc.clone(),
                            format!(
                                "a reference (`ref: {}`) cannot change the attribute's type",
                                r.value
                            ),
                        )
                        .with_help("remove `type:` here, or define a new attribute with `id:`"),
                    );
                }
                Some(Item::Attr {
                    key: r.value.clone(),
                    loc: r.loc.clone(),
                    is_ref: true,
                    overrides: Box::new(overrides),
                })
            }
            (Some(id), Some(_)) => {
                self.errors.push(
                    RegistryError::new(
                        ErrorKind::Invalid,
                        id.loc.clone(),
                        "an attribute has both `id` and `ref`",
                    )
                    .with_help(
                        "use `id:` to define a new attribute or `ref:` to use an existing one",
                    ),
                );
                None
            }
            (None, None) => None,
        }
    }

    fn add_v1_group(&mut self, g: &crate::model::spec::GroupV1, prov: &Provenance) {
        let kind = match g.kind.value {
            GroupType::AttributeGroup => GroupKind::AttributeGroup,
            GroupType::Span => GroupKind::Span,
            GroupType::Event => GroupKind::Event,
            GroupType::Metric => GroupKind::Metric,
            GroupType::MetricGroup => GroupKind::MetricGroup,
            GroupType::Entity => GroupKind::Entity,
            GroupType::Scope => GroupKind::Scope,
            GroupType::Undefined => GroupKind::Undefined,
        };
        let mut meta = empty_group(g.id.value.clone(), kind, prov.clone());
        meta.brief = g.brief.clone().unwrap_or_default().trim_end().to_string();
        meta.note = g
            .note
            .clone()
            .map(|n| n.trim_end().to_string())
            .filter(|n| !n.is_empty());
        meta.stability = g.stability;
        meta.deprecated = g.deprecated.clone();
        meta.span_kind = g.span_kind;
        meta.body = g.body.clone();
        meta.annotations = g.annotations.clone();
        match kind {
            GroupKind::Event => {
                meta.event_name = Some(g.name.clone().unwrap_or_else(|| {
                    g.id.value
                        .strip_prefix("event.")
                        .unwrap_or(&g.id.value)
                        .to_string()
                }));
            }
            GroupKind::Metric => {
                meta.metric_name = g.metric_name.clone();
                meta.instrument = g.instrument;
                meta.unit = g.unit.clone();
                meta.bucket_boundaries = bucket_boundaries(g.annotations.as_ref());
            }
            GroupKind::Entity => meta.entity_type = g.name.clone(),
            GroupKind::Span => {
                meta.span_type = g.id.value.strip_prefix("span.").map(str::to_string);
            }
            _ => {}
        }
        let mut items = Vec::with_capacity(g.attributes.len() + g.include.len());
        for inc in &g.include {
            items.push(Item::Group {
                id: inc.value.clone(),
                loc: inc.loc.clone(),
            });
        }
        for a in &g.attributes {
            if let Some(item) = self.v1_attribute(a, g.prefix.as_deref(), prov) {
                items.push(item);
            }
        }
        self.add_group(RawGroup {
            meta,
            loc: g.id.loc.clone(),
            internal: false,
            parent: g
                .extends
                .as_ref()
                .map(|e| (e.value.clone(), e.loc.clone(), false)),
            items,
        });
    }

    fn add_v2_file(&mut self, f: &crate::model::spec::FileV2, prov: &Provenance) {
        for a in &f.attributes {
            let attr = Attribute {
                key: a.key.value.clone(),
                ty: a.ty.value.clone(),
                brief: a.brief.trim_end().to_string(),
                note: a
                    .note
                    .clone()
                    .map(|n| n.trim_end().to_string())
                    .filter(|n| !n.is_empty()),
                examples: examples(a.examples.as_ref()),
                stability: Some(a.stability),
                deprecated: a.deprecated.clone(),
                annotations: a.annotations.clone(),
                provenance: prov.clone(),
            };
            self.add_attribute(attr, a.key.loc.clone());
        }
        for g in &f.attribute_groups {
            let mut meta = empty_group(g.id.value.clone(), GroupKind::AttributeGroup, prov.clone());
            meta.brief = g.brief.clone().unwrap_or_default().trim_end().to_string();
            meta.note = g.note.clone();
            meta.stability = g.stability;
            meta.deprecated = g.deprecated.clone();
            meta.annotations = g.annotations.clone();
            let items = v2_items(&g.attributes, None, self.errors);
            self.add_group(RawGroup {
                meta,
                loc: g.id.loc.clone(),
                internal: g.visibility == Visibility::Internal,
                parent: None,
                items,
            });
        }
        for s in &f.spans {
            let mut meta = empty_group(
                format!("span.{}", s.ty.value),
                GroupKind::Span,
                prov.clone(),
            );
            meta.brief = s.brief.trim_end().to_string();
            meta.note = s.note.clone();
            meta.stability = Some(s.stability);
            meta.deprecated = s.deprecated.clone();
            meta.requirement_level = s.requirement_level;
            meta.span_type = Some(s.ty.value.clone());
            meta.span_kind = Some(s.kind);
            meta.span_name = Some(s.name.note.trim_end().to_string());
            meta.annotations = s.annotations.clone();
            let items = v2_items(&s.attributes, None, self.errors);
            self.add_group(RawGroup {
                meta,
                loc: s.ty.loc.clone(),
                internal: false,
                parent: None,
                items,
            });
        }
        for e in &f.events {
            let mut meta = empty_group(
                format!("event.{}", e.name.value),
                GroupKind::Event,
                prov.clone(),
            );
            meta.brief = e.brief.trim_end().to_string();
            meta.note = e.note.clone();
            meta.stability = Some(e.stability);
            meta.deprecated = e.deprecated.clone();
            meta.requirement_level = e.requirement_level;
            meta.event_name = Some(e.name.value.clone());
            meta.body = e.body.clone();
            meta.annotations = e.annotations.clone();
            let items = v2_items(&e.attributes, None, self.errors);
            self.add_group(RawGroup {
                meta,
                loc: e.name.loc.clone(),
                internal: false,
                parent: None,
                items,
            });
        }
        for m in &f.metrics {
            let mut meta = empty_group(
                format!("metric.{}", m.name.value),
                GroupKind::Metric,
                prov.clone(),
            );
            meta.brief = m.brief.trim_end().to_string();
            meta.note = m.note.clone();
            meta.stability = Some(m.stability);
            meta.deprecated = m.deprecated.clone();
            meta.requirement_level = m.requirement_level;
            meta.metric_name = Some(m.name.value.clone());
            meta.instrument = Some(m.instrument);
            meta.unit = Some(m.unit.clone());
            meta.bucket_boundaries = bucket_boundaries(m.annotations.as_ref());
            meta.annotations = m.annotations.clone();
            let items = v2_items(&m.attributes, None, self.errors);
            self.add_group(RawGroup {
                meta,
                loc: m.name.loc.clone(),
                internal: false,
                parent: None,
                items,
            });
        }
        for e in &f.entities {
            let mut meta = empty_group(
                format!("entity.{}", e.ty.value),
                GroupKind::Entity,
                prov.clone(),
            );
            meta.brief = e.brief.trim_end().to_string();
            meta.note = e.note.clone();
            meta.stability = Some(e.stability);
            meta.deprecated = e.deprecated.clone();
            meta.requirement_level = e.requirement_level;
            meta.entity_type = Some(e.ty.value.clone());
            meta.annotations = e.annotations.clone();
            let mut items = v2_items(&e.identity, Some("identifying"), self.errors);
            items.extend(v2_items(&e.description, Some("descriptive"), self.errors));
            self.add_group(RawGroup {
                meta,
                loc: e.ty.loc.clone(),
                internal: false,
                parent: None,
                items,
            });
        }
        let sections: [(&[RefinementV2], GroupKind, &str); 4] = [
            (&f.span_refinements, GroupKind::Span, "span"),
            (&f.event_refinements, GroupKind::Event, "event"),
            (&f.metric_refinements, GroupKind::Metric, "metric"),
            (&f.entity_refinements, GroupKind::Entity, "entity"),
        ];
        for (list, kind, prefix) in sections {
            for rf in list {
                self.add_refinement(rf, kind, prefix, prov);
            }
        }
    }

    fn add_refinement(
        &mut self,
        rf: &RefinementV2,
        kind: GroupKind,
        prefix: &str,
        prov: &Provenance,
    ) {
        let mut meta = empty_group(rf.id.value.clone(), kind, prov.clone());
        meta.brief = rf.brief.clone().unwrap_or_default().trim_end().to_string();
        meta.note = rf.note.clone();
        meta.stability = rf.stability;
        meta.deprecated = rf.deprecated.clone();
        meta.requirement_level = rf.requirement_level;
        meta.span_kind = rf.kind;
        meta.span_name = rf.name.as_ref().map(|n| n.note.trim_end().to_string());
        meta.annotations = rf.annotations.clone();
        let mut items = v2_items(&rf.attributes, None, self.errors);
        items.extend(v2_items(&rf.identity, Some("identifying"), self.errors));
        items.extend(v2_items(&rf.description, Some("descriptive"), self.errors));
        let base = format!("{prefix}.{}", rf.reference.value);
        self.add_group(RawGroup {
            meta,
            loc: rf.id.loc.clone(),
            internal: false,
            parent: Some((base, rf.reference.loc.clone(), true)),
            items,
        });
    }

    /// Whether an attribute key can be referenced (local, or visible in a dependency).
    fn has_attribute(&mut self, key: &str) -> bool {
        if self.catalog.contains_key(key) {
            return true;
        }
        for d in self.deps {
            if let Some(a) = d.registry.attribute(key)
                && !is_excluded(a.annotations.as_ref())
            {
                let mut a = a.clone();
                a.provenance = Provenance::Dependency(d.label.clone());
                self.catalog.insert(key.to_string(), (a, None));
                return true;
            }
        }
        false
    }

    fn dependency_group(&self, id: &str) -> Option<&Group> {
        self.deps
            .iter()
            .filter_map(|d| d.registry.group(id))
            .find(|g| !is_excluded(g.annotations.as_ref()))
    }

    fn unknown_group(&mut self, id: &str, loc: &Location, what: &str) {
        let candidates: Vec<&str> = self
            .groups
            .keys()
            .map(String::as_str)
            .chain(
                self.deps
                    .iter()
                    .flat_map(|d| d.registry.groups.iter().map(|g| g.id.as_str())),
            )
            .collect();
        let help = match did_you_mean(id, candidates) {
            Some(s) => format!("did you mean `{s}`?"),
            None => {
                "define the group, or check the id and its `span.`/`metric.`/`event.` prefix".into()
            }
        };
        self.errors.push(
            RegistryError::new(
                ErrorKind::UnknownGroup,
                loc.clone(),
                format!("{what} `{id}` does not exist"),
            )
            .with_label("unknown group")
            .with_help(help),
        );
    }

    fn resolve_group(&mut self, id: &str) -> Option<BTreeMap<String, GroupAttribute>> {
        match self.state.get(id) {
            Some(State::Done(attrs)) => return Some(attrs.clone()),
            Some(State::Visiting) => {
                let loc = self
                    .groups
                    .get(id)
                    .map(|g| g.loc.clone())
                    .unwrap_or_default();
                self.errors.push(
                    RegistryError::new(
                        ErrorKind::Cycle,
                        loc,
                        format!("`{id}` includes or extends itself"),
                    )
                    .with_label("part of a cycle")
                    .with_help(
                        "break the cycle of `extends`/`ref_group`/`include`/refinement references",
                    ),
                );
                return None;
            }
            None => {}
        }
        let Some(raw) = self.groups.get(id) else {
            let g = self.dependency_group(id)?;
            return Some(
                g.attributes
                    .iter()
                    .map(|a| (a.key.clone(), a.clone()))
                    .collect(),
            );
        };
        self.state.insert(id.to_string(), State::Visiting);
        let parent = raw.parent.clone();
        let items: Vec<(bool, String, Location, Option<Overrides>)> = raw
            .items
            .iter()
            .map(|i| match i {
                Item::Attr {
                    key,
                    loc,
                    is_ref,
                    overrides,
                } => (
                    *is_ref,
                    key.clone(),
                    loc.clone(),
                    Some((**overrides).clone()),
                ),
                Item::Group { id, loc } => (false, id.clone(), loc.clone(), None),
            })
            .collect();

        let mut result: BTreeMap<String, GroupAttribute> = BTreeMap::new();
        if let Some((pid, ploc, is_refinement)) = &parent {
            let found = self.groups.contains_key(pid) || self.dependency_group(pid).is_some();
            let alt = (!found && *is_refinement)
                .then(|| pid.split_once('.').map(|(_, rest)| rest.to_string()))
                .flatten()
                .filter(|alt| self.groups.contains_key(alt));
            let target = alt.unwrap_or_else(|| pid.clone());
            if found || target != *pid {
                if let Some(attrs) = self.resolve_group(&target) {
                    result = attrs;
                }
                self.inherit_meta(id, &target);
            } else {
                let what = if *is_refinement {
                    "refined signal"
                } else {
                    "extended group"
                };
                self.unknown_group(pid, ploc, what);
            }
        }

        // Attributes brought in by `ref_group` / `include`.
        let mut brought: HashMap<String, String> = HashMap::new();
        for (_, gid, gloc, ov) in &items {
            if ov.is_some() {
                continue;
            }
            if !self.groups.contains_key(gid) && self.dependency_group(gid).is_none() {
                self.unknown_group(gid, gloc, "attribute group");
                continue;
            }
            let Some(attrs) = self.resolve_group(gid) else {
                continue;
            };
            for (k, ga) in attrs {
                if let Some(other) = brought.get(&k) {
                    if other != gid {
                        self.errors.push(
                            RegistryError::new(
                                ErrorKind::Invalid,
                                gloc.clone(),
                                format!(
                                    "attribute `{k}` is brought in by both `{other}` and `{gid}`"
                                ),
                            )
                            .with_help("reference each attribute through one group only"),
                        );
                    }
                    continue;
                }
                brought.insert(k.clone(), gid.clone());
                match result.get_mut(&k) {
                    Some(existing) => Overrides::from_group_attribute(&ga).apply(existing),
                    None => {
                        result.insert(k, ga);
                    }
                }
            }
        }

        // Inline definitions and references win over everything else.
        let mut seen: HashMap<String, Location> = HashMap::new();
        for (is_ref, key, loc, ov) in items {
            let Some(ov) = ov else { continue };
            if let Some(first) = seen.get(&key) {
                self.errors.push(
                    RegistryError::new(
                        ErrorKind::DuplicateRef,
                        loc.clone(),
                        format!("`{key}` is listed twice in `{id}`"),
                    )
                    .with_label("second entry")
                    .with_related(first.clone(), "first entry")
                    .with_help("merge the two entries into one"),
                );
                continue;
            }
            seen.insert(key.clone(), loc.clone());
            if is_ref && !self.has_attribute(&key) {
                let help = match did_you_mean(&key, self.candidate_keys()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "define the attribute (`attributes:` / `id:`), or add the registry that defines it as a dependency".into(),
                };
                self.errors.push(
                    RegistryError::new(
                        ErrorKind::UnknownRef,
                        loc,
                        format!("unknown attribute `{key}` referenced by `{id}`"),
                    )
                    .with_label("no such attribute")
                    .with_help(help),
                );
                continue;
            }
            match result.get_mut(&key) {
                Some(existing) => ov.apply(existing),
                None => {
                    let mut ga = GroupAttribute {
                        key: key.clone(),
                        requirement_level: RequirementLevel::Recommended(None),
                        sampling_relevant: None,
                        brief: None,
                        note: None,
                        examples: None,
                        stability: None,
                        deprecated: None,
                        annotations: None,
                        role: None,
                        condition: None,
                    };
                    ov.apply(&mut ga);
                    result.insert(key, ga);
                }
            }
        }
        self.state
            .insert(id.to_string(), State::Done(result.clone()));
        Some(result)
    }

    fn candidate_keys(&self) -> Vec<&str> {
        self.catalog
            .keys()
            .map(String::as_str)
            .chain(
                self.deps
                    .iter()
                    .flat_map(|d| d.registry.attributes.iter().map(|a| a.key.as_str())),
            )
            .collect()
    }

    /// A refinement takes the signal fields it does not set from the signal it refines.
    fn inherit_meta(&mut self, id: &str, parent: &str) {
        let Some(raw) = self.groups.get(id) else {
            return;
        };
        if !raw.parent.as_ref().is_some_and(|p| p.2) {
            return;
        }
        let base = match self.groups.get(parent) {
            Some(p) => p.meta.clone(),
            None => match self.dependency_group(parent) {
                Some(g) => Meta::from_group(g),
                None => return,
            },
        };
        let Some(raw) = self.groups.get_mut(id) else {
            return;
        };
        let m = &mut raw.meta;
        m.refines = Some(parent.to_string());
        macro_rules! inherit {
            ($($f:ident),*) => {$( if m.$f.is_none() { m.$f = base.$f.clone(); } )*};
        }
        inherit!(
            stability,
            requirement_level,
            span_type,
            span_kind,
            span_name,
            event_name,
            body,
            metric_name,
            instrument,
            unit,
            bucket_boundaries,
            entity_type
        );
        if m.brief.is_empty() {
            m.brief = base.brief.clone();
        }
    }

    fn finish(mut self, reg: &LoadedRegistry, imports: Vec<String>) -> ResolvedRegistry {
        let order = std::mem::take(&mut self.order);
        // First resolve everything (groups refer to each other), then move the results out.
        for id in &order {
            if !matches!(self.state.get(id), Some(State::Done(_))) {
                self.resolve_group(id);
            }
        }
        let mut groups = Vec::with_capacity(order.len());
        for id in &order {
            let Some(raw) = self.groups.remove(id) else {
                continue;
            };
            let attrs = match self.state.remove(id) {
                Some(State::Done(attrs)) => attrs,
                _ => BTreeMap::new(),
            };
            if raw.internal {
                continue;
            }
            groups.push(raw.meta.into_group(attrs.into_values().collect()));
        }
        let mut imported = HashSet::new();
        for pattern in &imports {
            for d in self.deps {
                for g in &d.registry.groups {
                    if wildcard(pattern, &g.id)
                        && !is_excluded(g.annotations.as_ref())
                        && imported.insert(g.id.clone())
                    {
                        for a in &g.attributes {
                            self.has_attribute(&a.key);
                        }
                        let mut g = g.clone();
                        g.provenance = Provenance::Dependency(d.label.clone());
                        groups.push(g);
                    }
                }
            }
        }
        let used: HashSet<&str> = groups
            .iter()
            .flat_map(|g| g.attributes.iter().map(|a| a.key.as_str()))
            .collect();
        let attributes: Vec<Attribute> = self
            .catalog
            .values()
            .filter(|(a, loc)| loc.is_some() || used.contains(a.key.as_str()))
            .map(|(a, _)| a.clone())
            .collect();
        let (name, schema_url, stability) = match &reg.manifest {
            Some((m, _)) => (
                m.name.clone(),
                m.schema_url.clone().or_else(|| {
                    m.schema_base_url
                        .as_ref()
                        .zip(m.semconv_version.as_ref())
                        .map(|(b, v)| {
                            format!("{}/{}", b.trim_end_matches('/'), v.trim_start_matches('v'))
                        })
                }),
                m.stability,
            ),
            None => (None, None, None),
        };
        ResolvedRegistry::new(attributes, groups, name, schema_url, stability)
    }
}

fn wildcard(pattern: &str, id: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == id,
        Some((head, tail)) => {
            id.starts_with(head)
                && id[head.len()..].ends_with(tail)
                && id.len() >= head.len() + tail.len()
        }
    }
}

fn examples(v: Option<&serde_json::Value>) -> Vec<serde_json::Value> {
    match v {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(items)) => items.clone(),
        Some(other) => vec![other.clone()],
    }
}
