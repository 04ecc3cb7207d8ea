//! The files of a shipping batch that staff ask for by name: the manifest, the return labels
//! (letter sheets or 4×6 thermal) and the courier's CSV. One name per file, parsed once.

/// One file of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BatchDocument {
    Manifest,
    /// Labels on letter sheets.
    Labels,
    /// Labels on 4×6 in thermal stock.
    Labels4x6,
    CourierCsv,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("documento desconocido «{0}» (manifest.pdf, labels.pdf, labels-4x6.pdf o courier.csv)")]
pub struct UnknownDocument(pub String);

impl BatchDocument {
    pub const ALL: [BatchDocument; 4] = [
        BatchDocument::Manifest,
        BatchDocument::Labels,
        BatchDocument::Labels4x6,
        BatchDocument::CourierCsv,
    ];

    /// The file name in URLs and on disk.
    pub fn file_name(self) -> &'static str {
        match self {
            BatchDocument::Manifest => "manifest.pdf",
            BatchDocument::Labels => "labels.pdf",
            BatchDocument::Labels4x6 => "labels-4x6.pdf",
            BatchDocument::CourierCsv => "courier.csv",
        }
    }

    /// Exact file names only.
    pub fn parse(name: &str) -> Result<BatchDocument, UnknownDocument> {
        BatchDocument::ALL
            .into_iter()
            .find(|d| d.file_name() == name)
            .ok_or_else(|| UnknownDocument(name.chars().take(40).collect()))
    }

    pub fn is_pdf(self) -> bool {
        !matches!(self, BatchDocument::CourierCsv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_batch_document_parses_back_from_its_file_name_only() {
        for d in BatchDocument::ALL {
            assert_eq!(BatchDocument::parse(d.file_name()), Ok(d));
        }
        for bad in [
            "",
            "Manifest.pdf",
            "labels",
            "../manifest.pdf",
            "courier.csv ",
        ] {
            assert!(BatchDocument::parse(bad).is_err(), "{bad:?}");
        }
    }
}
