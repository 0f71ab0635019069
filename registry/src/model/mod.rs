//! Data model: the file format as written ([`spec`]), shared value types ([`common`]) and the
//! resolved registry ([`resolved`]).

pub mod common;
pub mod resolved;
pub mod spec;
