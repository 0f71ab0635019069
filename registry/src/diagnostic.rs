//! Located registry errors and warnings, rendered with `miette`.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, Severity, SourceCode, SourceSpan};

use crate::source::{Location, Shown, SourceFile};

/// What kind of problem a [`RegistryError`] reports; each has a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A file could not be read.
    Unreadable,
    /// YAML syntax error.
    Syntax,
    /// The file does not follow the registry format (unknown field, wrong field type,
    /// bad type name, bad requirement level, missing field).
    Format,
    /// The file does not validate against the JSON Schema of the format.
    Schema,
    /// `ref` to an attribute that does not exist.
    UnknownRef,
    /// `ref_group`, `include`, `extends` or refinement `ref` to a group that does not exist.
    UnknownGroup,
    /// The same attribute key defined twice.
    DuplicateAttribute,
    /// The same group or signal id defined twice.
    DuplicateGroup,
    /// The same attribute referenced twice in one group.
    DuplicateRef,
    /// `extends`/`ref_group`/refinement chain that loops.
    Cycle,
    /// A dependency registry is missing, remote, or broken.
    Dependency,
    /// Something that is allowed but discouraged (legacy names, prefixes...).
    Legacy,
    /// An item is inconsistent (e.g. both `id` and `ref`, an override that is not allowed).
    Invalid,
}

impl ErrorKind {
    /// Stable diagnostic code.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Unreadable => "registry::unreadable_file",
            ErrorKind::Syntax => "registry::yaml_syntax",
            ErrorKind::Format => "registry::format",
            ErrorKind::Schema => "registry::schema",
            ErrorKind::UnknownRef => "registry::unknown_ref",
            ErrorKind::UnknownGroup => "registry::unknown_group",
            ErrorKind::DuplicateAttribute => "registry::duplicate_attribute",
            ErrorKind::DuplicateGroup => "registry::duplicate_group",
            ErrorKind::DuplicateRef => "registry::duplicate_ref",
            ErrorKind::Cycle => "registry::cycle",
            ErrorKind::Dependency => "registry::dependency",
            ErrorKind::Legacy => "registry::legacy",
            ErrorKind::Invalid => "registry::invalid",
        }
    }
}

/// One located problem in a registry.
#[derive(Debug, Clone)]
pub struct RegistryError {
    /// Kind and code.
    pub kind: ErrorKind,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// Where.
    pub location: Location,
    /// Label under the caret.
    pub label: Option<String>,
    /// How to fix it (with a "did you mean" where one exists).
    pub help: Option<String>,
    /// Other locations that matter (e.g. the first definition of a duplicate).
    pub related: Vec<(Location, String)>,
}

impl RegistryError {
    /// A new error.
    pub fn new(kind: ErrorKind, location: Location, message: impl Into<String>) -> Self {
        Self {
            kind,
            severity: Severity::Error,
            message: message.into(),
            location,
            label: None,
            help: None,
            related: Vec::new(),
        }
    }

    /// Turns it into a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the caret label.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a related location.
    pub fn with_related(mut self, location: Location, label: impl Into<String>) -> Self {
        self.related.push((location, label.into()));
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Shown(&self.message))
    }
}

impl std::error::Error for RegistryError {}

/// A source file usable by miette (shared, never copied).
#[derive(Debug)]
struct Source(Arc<SourceFile>);

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        // Quoted as shown: a registry's text must not drive the terminal either.
        let inner = self
            .0
            .shown()
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.0.path.display().to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// The related locations of an error, as diagnostics of their own.
#[derive(Debug)]
struct Related {
    message: String,
    source: Option<Source>,
    span: SourceSpan,
}

impl fmt::Display for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Shown(&self.message))
    }
}

impl std::error::Error for Related {}

impl Diagnostic for Related {
    fn severity(&self) -> Option<Severity> {
        Some(Severity::Advice)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some("here".into()),
            self.span,
        ))))
    }
}

/// Renderable form of a [`RegistryError`] (owns its source handles).
#[derive(Debug)]
pub struct Rendered {
    error: RegistryError,
    source: Option<Source>,
    span: SourceSpan,
    related: Vec<Related>,
}

impl From<RegistryError> for Rendered {
    fn from(error: RegistryError) -> Self {
        let (s, e) = error.location.byte_range();
        let related = error
            .related
            .iter()
            .map(|(loc, msg)| {
                let (s, e) = loc.byte_range();
                Related {
                    message: format!("{msg} ({loc})"),
                    source: loc.file.clone().map(Source),
                    span: (s, e - s).into(),
                }
            })
            .collect();
        Self {
            source: error.location.file.clone().map(Source),
            span: (s, e - s).into(),
            error,
            related,
        }
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error.location, Shown(&self.error.message))
    }
}

impl std::error::Error for Rendered {}

impl Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.error.kind.code()))
    }
    fn severity(&self) -> Option<Severity> {
        Some(self.error.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error
            .help
            .as_deref()
            .map(|h| Box::new(Shown(h)) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(
                self.error
                    .label
                    .as_deref()
                    .map_or_else(|| "here".into(), |l| Shown(l).to_string()),
            ),
            self.span,
        ))))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

/// All problems found in one run (errors and warnings), in file order.
#[derive(Debug, Clone, Default, thiserror::Error)]
#[error("{} error(s) in the registry", self.error_count())]
pub struct Diagnostics(pub Vec<RegistryError>);

impl Diagnostics {
    /// Number of errors (warnings excluded).
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|e| e.is_error()).count()
    }

    /// Whether there is at least one error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(RegistryError::is_error)
    }

    /// Sorts by file, line, column so output is stable.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let pa = a.location.file.as_ref().map(|f| f.path.clone());
            let pb = b.location.file.as_ref().map(|f| f.path.clone());
            (pa, a.location.start, a.kind.code()).cmp(&(pb, b.location.start, b.kind.code()))
        });
    }

    /// Renders every diagnostic with snippets and carets (no colours: stable for logs/tests).
    pub fn render(&self) -> String {
        let handler =
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
                .with_width(100);
        let mut out = String::new();
        for e in &self.0 {
            let r = Rendered::from(e.clone());
            let _ = handler.render_report(&mut out, &r);
        }
        out
    }
}
