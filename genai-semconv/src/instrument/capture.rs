//! Content capture: whether opt-in content (messages, system instructions, tool arguments and
//! results) is recorded, and a redaction hook applied to everything that is.
//!
//! Capture is **off by default**. It is turned on
//! - in code: [`set_capture_mode`] (process-wide) or [`CaptureGuard`] (scoped, restores the
//!   previous mode on drop), or
//! - by the environment variable `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, read once
//!   on first use: `true`/`false` (case-insensitive; `true` means [`CaptureMode::SpanOnly`]), or
//!   one of `NO_CONTENT`, `SPAN_ONLY`, `EVENT_ONLY`, `SPAN_AND_EVENT`.
//!
//! A mode set in code wins over the environment variable. An unrecognised value of the
//! variable leaves capture off and is reported once, as a warning through `tracing` (target
//! `genai_semconv`, where OpenTelemetry reports its own diagnostics) and in
//! [`env_warning`].
//!
//! A [`Telemetry`](super::telemetry::Telemetry) handle may carry its own mode and redactor,
//! which win over the process-wide ones set here.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

/// The environment variable read once to initialise the capture mode.
pub const CAPTURE_ENV_VAR: &str = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

/// Where captured content goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CaptureMode {
    /// Nothing is captured (the default).
    #[default]
    NoContent,
    /// Content is recorded as span attributes.
    SpanOnly,
    /// Content is recorded as events only (spans carry no content).
    EventOnly,
    /// Content is recorded on spans and as events.
    SpanAndEvent,
}

impl CaptureMode {
    /// Parses a value of `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`.
    ///
    /// Returns `None` for an unrecognised value (which then leaves capture off).
    pub fn parse(value: &str) -> Option<CaptureMode> {
        let v = value.trim();
        Some(
            if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("SPAN_ONLY") {
                CaptureMode::SpanOnly
            } else if v.eq_ignore_ascii_case("false")
                || v.eq_ignore_ascii_case("NO_CONTENT")
                || v.is_empty()
            {
                CaptureMode::NoContent
            } else if v.eq_ignore_ascii_case("EVENT_ONLY") {
                CaptureMode::EventOnly
            } else if v.eq_ignore_ascii_case("SPAN_AND_EVENT") {
                CaptureMode::SpanAndEvent
            } else {
                return None;
            },
        )
    }

    /// Whether content goes on spans.
    pub fn on_span(self) -> bool {
        matches!(self, CaptureMode::SpanOnly | CaptureMode::SpanAndEvent)
    }

    /// Whether content goes into events.
    pub fn on_event(self) -> bool {
        matches!(self, CaptureMode::EventOnly | CaptureMode::SpanAndEvent)
    }

    fn to_u8(self) -> u8 {
        match self {
            CaptureMode::NoContent => 1,
            CaptureMode::SpanOnly => 2,
            CaptureMode::EventOnly => 3,
            CaptureMode::SpanAndEvent => 4,
        }
    }

    fn from_u8(v: u8) -> CaptureMode {
        match v {
            2 => CaptureMode::SpanOnly,
            3 => CaptureMode::EventOnly,
            4 => CaptureMode::SpanAndEvent,
            _ => CaptureMode::NoContent,
        }
    }
}

/// 0 = not initialised yet (read the environment on first use).
static MODE: AtomicU8 = AtomicU8::new(0);

/// The current capture mode (one relaxed atomic load after the first call).
#[inline]
pub fn capture_mode() -> CaptureMode {
    match MODE.load(Ordering::Relaxed) {
        0 => init_from_env(),
        v => CaptureMode::from_u8(v),
    }
}

static ENV_WARNING: OnceLock<Option<String>> = OnceLock::new();

/// The warning about an unrecognised value of [`CAPTURE_ENV_VAR`], once the variable was read
/// (`None` when the value was recognised, unset, or not read yet).
pub fn env_warning() -> Option<&'static str> {
    ENV_WARNING.get().and_then(|w| w.as_deref())
}

/// Parses a value of the variable; an unrecognised one yields capture off and a warning.
pub fn mode_from_env_value(value: Option<&str>) -> (CaptureMode, Option<String>) {
    match value {
        None => (CaptureMode::NoContent, None),
        Some(v) => match CaptureMode::parse(v) {
            Some(m) => (m, None),
            None => (
                CaptureMode::NoContent,
                Some(format!(
                    "{CAPTURE_ENV_VAR}={v:?} is not one of true, false, NO_CONTENT, SPAN_ONLY, \
                     EVENT_ONLY, SPAN_AND_EVENT; content capture stays off"
                )),
            ),
        },
    }
}

#[cold]
fn init_from_env() -> CaptureMode {
    let value = std::env::var(CAPTURE_ENV_VAR).ok();
    let (mode, warning) = mode_from_env_value(value.as_deref());
    let reported = ENV_WARNING.get_or_init(|| {
        if let Some(w) = &warning {
            tracing::warn!(target: "genai_semconv", name = "CaptureMode.InvalidEnvValue", "{w}");
        }
        warning
    });
    let _ = reported;
    // Keep a mode set in code concurrently.
    match MODE.compare_exchange(0, mode.to_u8(), Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => mode,
        Err(v) => CaptureMode::from_u8(v),
    }
}

/// Sets the process-wide capture mode (overrides the environment variable).
pub fn set_capture_mode(mode: CaptureMode) {
    MODE.store(mode.to_u8(), Ordering::Relaxed);
}

/// Sets a capture mode until dropped, then restores the previous one.
///
/// The mode is process-wide: guards on several threads at once overwrite each other.
#[derive(Debug)]
#[must_use = "the mode is restored when the guard is dropped"]
pub struct CaptureGuard {
    previous: CaptureMode,
}

impl CaptureGuard {
    /// Sets `mode` and remembers the current mode.
    pub fn new(mode: CaptureMode) -> CaptureGuard {
        let previous = capture_mode();
        set_capture_mode(mode);
        CaptureGuard { previous }
    }
}

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        set_capture_mode(self.previous);
    }
}

/// A redaction hook: receives captured content (JSON text or plain text) and returns what is
/// recorded.
pub type Redactor = fn(&str) -> Cow<'_, str>;

static REDACTOR: RwLock<Option<Arc<super::telemetry::Redactor>>> = RwLock::new(None);

/// Installs (or with `None` removes) the redaction hook applied to all captured content.
pub fn set_redactor(redactor: Option<Redactor>) {
    let mut slot = REDACTOR.write().unwrap_or_else(|p| p.into_inner());
    *slot = redactor.map(|f| Arc::new(f) as Arc<super::telemetry::Redactor>);
}

/// Installs a redaction closure (it may hold configuration) applied to all captured content.
pub fn set_redactor_fn<F>(f: F)
where
    F: Fn(&str) -> Cow<'_, str> + Send + Sync + 'static,
{
    let mut slot = REDACTOR.write().unwrap_or_else(|p| p.into_inner());
    *slot = Some(Arc::new(f));
}

/// Applies the redaction hook, if any, to captured content.
pub fn redact(content: String) -> String {
    let hook = REDACTOR.read().unwrap_or_else(|p| p.into_inner()).clone();
    match hook {
        None => content,
        Some(f) => super::telemetry::apply(f.as_ref(), content),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_env_values() {
        assert_eq!(CaptureMode::parse("TRUE"), Some(CaptureMode::SpanOnly));
        assert_eq!(CaptureMode::parse("false"), Some(CaptureMode::NoContent));
        assert_eq!(
            CaptureMode::parse("span_and_event"),
            Some(CaptureMode::SpanAndEvent)
        );
        assert_eq!(
            CaptureMode::parse("EVENT_ONLY"),
            Some(CaptureMode::EventOnly)
        );
        assert_eq!(
            CaptureMode::parse("NO_CONTENT"),
            Some(CaptureMode::NoContent)
        );
        assert_eq!(CaptureMode::parse("maybe"), None);
    }

    #[test]
    fn unknown_env_values_are_reported() {
        let (mode, warning) = mode_from_env_value(Some("yes please"));
        assert_eq!(mode, CaptureMode::NoContent);
        let w = warning.expect("a warning");
        assert!(
            w.contains(CAPTURE_ENV_VAR) && w.contains("yes please"),
            "{w}"
        );
        assert_eq!(
            mode_from_env_value(Some("EVENT_ONLY")),
            (CaptureMode::EventOnly, None)
        );
        assert_eq!(mode_from_env_value(None), (CaptureMode::NoContent, None));
    }
}
