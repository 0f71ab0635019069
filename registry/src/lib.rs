//! Load, resolve, check and diff Weaver-style semantic-convention registries.
//!
//! Both file formats are read (classic `groups:` and `file_format: definition/2`, mixed in one
//! registry), with `manifest.yaml` and local dependencies. Every problem is reported with
//! file, line and column.
//!
//! ```no_run
//! let loaded = genai_registry::RegistryLoader::new().load_dir("registry/model")?;
//! let chat = loaded.registry.group("span.gen_ai.inference.client").expect("defined");
//! assert!(chat.attribute("gen_ai.operation.name").is_some());
//! # Ok::<(), genai_registry::Diagnostics>(())
//! ```
#![deny(missing_docs)]

pub mod diagnostic;
pub mod diff;
pub mod embedded;
pub mod facts;
pub mod loader;
pub mod model;
pub mod registry_loader;
pub mod resolver;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod yaml;

pub use diagnostic::{Diagnostics, ErrorKind, RegistryError};
pub use facts::{Condition, Discriminator, NamePart, NamePattern, NameTemplate, SpanFacts};
pub use model::common::{
    AttributeType, Deprecated, EnumMember, Instrument, PrimitiveType, RequirementLevel,
    SignalRequirementLevel, SpanKind, Stability,
};
pub use model::resolved::{
    Attribute, EntitySignal, EventSignal, Group, GroupAttribute, GroupKind, MetricSignal,
    Provenance, ResolvedRegistry, Signal, SpanSignal,
};
pub use registry_loader::{Loaded, RegistryLoader, parse_dependency};
