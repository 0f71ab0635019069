//! Errors reading a price table.

/// A price table could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PriceError {
    /// The text is not JSON, or not JSON of any known price-table shape.
    #[error("not a price table ({shape}): {source}")]
    Json {
        /// The shape the text was read as.
        shape: &'static str,
        /// The JSON error, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// A match rule's regular expression does not compile.
    #[error("invalid regex `{pattern}` in a match rule: {message}")]
    Regex {
        /// The pattern.
        pattern: String,
        /// Why it does not compile.
        message: String,
    },
    /// The JSON is of no known shape.
    #[error(
        "unknown price-table shape: expected this project's own (`\"format\": \"{}\"`), models.dev (`{{\"providers\": {{...}}}}`) or genai-prices (a list of providers)",
        crate::table::OWN_FORMAT
    )]
    UnknownShape,
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
