//! Value parsers for command-line flags: every number is checked (finite, in range) with a
//! clear error, instead of being accepted and misbehaving later.

use std::time::Duration;

/// Longest duration accepted (one year), far beyond any run and below `Duration`'s limits.
const MAX_SECONDS: f64 = 365.0 * 24.0 * 3600.0;

/// A positive, finite number of seconds (fractions allowed), at most a year.
pub fn seconds(text: &str) -> Result<Duration, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !value.is_finite() {
        return Err(format!("`{text}` is not a finite number of seconds"));
    }
    if value <= 0.0 {
        return Err(format!(
            "`{text}`: the number of seconds must be more than 0"
        ));
    }
    if value > MAX_SECONDS {
        return Err(format!(
            "`{text}`: at most {MAX_SECONDS} seconds (a year) are accepted"
        ));
    }
    Duration::try_from_secs_f64(value).map_err(|e| format!("`{text}`: {e}"))
}

/// [`seconds`] as a plain number of seconds.
pub fn seconds_f64(text: &str) -> Result<f64, String> {
    seconds(text).map(|d| d.as_secs_f64())
}

/// A size in bytes: an integer, optionally with a unit (`k`/`KiB`, `M`/`MiB`, `G`/`GiB`,
/// binary multiples), from 1 byte to 1 TiB.
pub fn bytes(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '_')
        .unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let digits: String = digits.chars().filter(|c| *c != '_').collect();
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size in bytes (e.g. 16777216 or 16MiB)"))?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "`{text}`: unknown unit `{other}` (use KiB, MiB or GiB)"
            ));
        }
    };
    let value = number
        .checked_mul(multiplier)
        .filter(|v| (1..=genai_otlp_receiver::MAX_BYTES as u64).contains(v))
        .ok_or_else(|| format!("`{text}`: a size from 1 byte to 1 TiB is accepted"))?;
    usize::try_from(value).map_err(|_| format!("`{text}` is too large for this platform"))
}

/// An integer from 1 to `max`.
fn count(text: &str, max: usize) -> Result<usize, String> {
    let value: usize = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number"))?;
    if value == 0 || value > max {
        return Err(format!("`{text}`: a number from 1 to {max} is accepted"));
    }
    Ok(value)
}

/// A queue capacity (1 to 1,048,576 requests).
pub fn queue_capacity(text: &str) -> Result<usize, String> {
    count(text, genai_otlp_receiver::MAX_QUEUE_CAPACITY)
}

/// A count of elements, items or connections (1 to 2^40).
pub fn limit(text: &str) -> Result<usize, String> {
    count(text, genai_otlp_receiver::MAX_BYTES)
}

/// A number of validation threads (1 to 256).
pub fn workers(text: &str) -> Result<usize, String> {
    count(text, 256)
}

/// An access token: at least 16 printable ASCII characters, no spaces.
pub fn token(text: &str) -> Result<String, String> {
    if text.len() < 16 || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("a token needs at least 16 printable ASCII characters, without spaces".into());
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_must_be_finite_and_positive() {
        assert_eq!(seconds("1.5"), Ok(Duration::from_millis(1500)));
        for bad in ["nan", "NaN", "inf", "-1", "0", "1e300", "soon", ""] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_take_units_and_stay_in_range() {
        assert_eq!(bytes("16777216"), Ok(16 << 20));
        assert_eq!(bytes("16MiB"), Ok(16 << 20));
        assert_eq!(bytes("1 GiB"), Ok(1 << 30));
        assert_eq!(bytes("64k"), Ok(64 << 10));
        for bad in ["0", "-5", "2TiB", "18446744073709551615", "5 parsecs", "x"] {
            assert!(bytes(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn queue_capacity_is_bounded() {
        assert_eq!(queue_capacity("64"), Ok(64));
        assert!(queue_capacity("0").is_err());
        assert!(queue_capacity("2305843009213693952").is_err());
    }

    #[test]
    fn tokens_are_long_and_printable() {
        assert!(token("0123456789abcdef").is_ok());
        assert!(token("short").is_err());
        assert!(token("0123456789 abcdef").is_err());
    }
}
