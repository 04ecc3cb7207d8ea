//! A scan id: the name a station's browser gives one scan before sending it, so that a scan
//! sent again (after a network cut, a lost answer, a reload) is recognized and answered with
//! its first verdict instead of being decided twice.

/// 8 to [`ScanId::MAX_LEN`] characters of ASCII letters, digits and `-` (a UUID fits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScanId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("scan_id: de 8 a {} letras, dígitos o guiones", ScanId::MAX_LEN)]
pub struct BadScanId;

impl ScanId {
    pub const MIN_LEN: usize = 8;
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<ScanId, BadScanId> {
        let ok = (Self::MIN_LEN..=Self::MAX_LEN).contains(&raw.len())
            && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if ok {
            Ok(ScanId(raw.to_string()))
        } else {
            Err(BadScanId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uuid_is_a_scan_id_and_odd_text_is_not() {
        let id = ScanId::parse("0b6f3c1e-2d4a-4f7b-9c8d-1e2f3a4b5c6d").unwrap();
        assert_eq!(id.as_str(), "0b6f3c1e-2d4a-4f7b-9c8d-1e2f3a4b5c6d");
        assert_eq!(ScanId::parse("short"), Err(BadScanId));
        assert_eq!(ScanId::parse("has space 1234"), Err(BadScanId));
        assert_eq!(ScanId::parse(&"a".repeat(65)), Err(BadScanId));
        assert!(ScanId::parse(&"a".repeat(64)).is_ok());
    }
}
