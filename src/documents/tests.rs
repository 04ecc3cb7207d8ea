//! Tests of the documents: QR symbols read back by an independent decoder (rqrr), PDFs parsed
//! back, the courier CSV, and layout limits. `tools.rs` adds poppler + zbar checks.

use super::qr::{penalty, Packed};
use super::*;
use crate::domain::code::{CodeId, EnvelopeCode};
use chrono::TimeZone;

mod tools;

pub(super) fn header() -> BatchHeader {
    BatchHeader {
        election: "PEL 2021-2022 — Gubernatura".to_string(),
        batch_name: "Aguascalientes · Estados Unidos".to_string(),
        batch_id: 7,
        generated_on: "4 de abril de 2022, 10:15".to_string(),
        generated_at: chrono::Utc.with_ymd_and_hms(2022, 4, 4, 15, 15, 0).unwrap(),
        return_address: vec![
            "Instituto Nacional Electoral".to_string(),
            "Apartado Postal 2022-VMRE".to_string(),
            "Tlalpan, Ciudad de México".to_string(),
            "14300 MÉXICO".to_string(),
        ],
    }
}

pub(super) fn pep(i: u64) -> PepLine {
    let key = [3u8; 32];
    PepLine {
        pep_id: format!("PEP-{i:06}"),
        recipient: format!("María José Peña Núñez {i}"),
        address_lines: vec!["1234 Calle Año Nuevo".to_string(), "Apt. 5".to_string()],
        city: "San José".to_string(),
        region: Some("CA".to_string()),
        postal_code: "95112".to_string(),
        country: if i.is_multiple_of(5) { "CA" } else { "US" }.to_string(),
        country_name: if i.is_multiple_of(5) {
            "Canadá"
        } else {
            "Estados Unidos"
        }
        .to_string(),
        phone: Some("+1 408 555 0101".to_string()),
        email: Some("maria@example.com".to_string()),
        guia: i.is_multiple_of(2).then(|| format!("1Z999AA1{i:010}")),
        code: EnvelopeCode::issue(&key, CodeId::new(i * 7919 + 13).unwrap()),
    }
}

pub(super) fn peps(n: u64) -> Vec<PepLine> {
    (1..=n).map(pep).collect()
}

/// The symbol drawn at `scale` pixels per module with a 4-module quiet zone, read by rqrr.
pub(super) fn decode_with_rqrr(m: &QrMatrix, scale: usize) -> Vec<String> {
    let side = (m.width + 8) * scale;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        let (mx, my) = ((x / scale).wrapping_sub(4), (y / scale).wrapping_sub(4));
        if m.is_dark(mx, my) {
            0
        } else {
            255
        }
    });
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

#[test]
fn every_qr_matrix_decodes_to_its_code_with_an_independent_decoder() {
    for i in 0..300u64 {
        let code = EnvelopeCode::issue(
            &[i as u8; 32],
            CodeId::new(i * 0x3_7A5B_1C9D % (1 << 40)).unwrap(),
        );
        let m = qr_matrix(&code);
        assert_eq!(m.width, 25, "version 2");
        assert_eq!(decode_with_rqrr(&m, 4), vec![code.as_str().to_string()]);
    }
}

#[test]
fn the_symbol_uses_error_correction_level_h() {
    let code = pep(1).code;
    let m = qr_matrix(&code);
    let side = (m.width + 8) * 4;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        if m.is_dark((x / 4).wrapping_sub(4), (y / 4).wrapping_sub(4)) {
            0
        } else {
            255
        }
    });
    let grids = img.detect_grids();
    let (meta, _) = grids[0].decode().unwrap();
    // rqrr reports the format field's raw bits: 0b10 is level H.
    assert_eq!(meta.ecc_level, 2);
}

#[test]
fn the_chosen_mask_scores_no_worse_than_the_qrcode_crates_own_choice() {
    let code = pep(42).code;
    let chosen = qr_matrix(&code);
    let reference = qrcode::QrCode::with_version(
        code.as_str(),
        qrcode::Version::Normal(2),
        qrcode::EcLevel::H,
    )
    .unwrap();
    let reference = QrMatrix {
        width: reference.width(),
        dark: reference
            .into_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect(),
    };
    assert!(
        penalty(&Packed::from_dark(&chosen.dark, 25))
            <= penalty(&Packed::from_dark(&reference.dark, 25))
    );
}

#[test]
fn dark_runs_cover_exactly_the_dark_modules() {
    let m = qr_matrix(&pep(3).code);
    let mut painted = vec![false; m.width * m.width];
    for (y, x, len) in m.dark_runs() {
        for dx in 0..len {
            assert!(!painted[y * m.width + x + dx]);
            painted[y * m.width + x + dx] = true;
        }
    }
    assert_eq!(painted, m.dark);
}

/// The penalty rules written out plainly, to check the bit-packed version.
fn plain_penalty(m: &QrMatrix) -> u32 {
    let w = m.width;
    let line_score = |line: Vec<bool>| {
        let mut score = 0;
        let mut run = 1;
        for i in 1..=line.len() {
            if i < line.len() && line[i] == line[i - 1] {
                run += 1;
                continue;
            }
            if run >= 5 {
                score += run - 2;
            }
            run = 1;
        }
        let padded: Vec<bool> = [vec![false; 4], line, vec![false; 4]].concat();
        let finder = [true, false, true, true, true, false, true];
        for s in 0..=padded.len() - 7 {
            if padded[s..s + 7] == finder {
                let before = s >= 4 && padded[s - 4..s].iter().all(|d| !d);
                let after = s + 11 <= padded.len() && padded[s + 7..s + 11].iter().all(|d| !d);
                if before || after {
                    score += 40;
                }
            }
        }
        score
    };
    let mut score = 0;
    for i in 0..w {
        score += line_score((0..w).map(|j| m.is_dark(j, i)).collect());
        score += line_score((0..w).map(|j| m.is_dark(i, j)).collect());
    }
    for y in 0..w - 1 {
        for x in 0..w - 1 {
            let c = m.is_dark(x, y);
            if c == m.is_dark(x + 1, y) && c == m.is_dark(x, y + 1) && c == m.is_dark(x + 1, y + 1)
            {
                score += 3;
            }
        }
    }
    let dark = m.dark.iter().filter(|&&d| d).count();
    score + ((dark * 100 / m.dark.len()).abs_diff(50) / 5) as u32 * 10
}

#[test]
fn the_bit_packed_penalty_follows_the_plain_rules() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for i in 0..300 {
        let m = if i % 2 == 0 {
            qr_matrix(&pep(i).code)
        } else {
            // xorshift noise, sometimes biased to long runs
            let dark = (0..625)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state % 7 < if i % 3 == 0 { 6 } else { 3 }
                })
                .collect();
            QrMatrix { width: 25, dark }
        };
        assert_eq!(
            penalty(&Packed::from_dark(&m.dark, m.width)),
            plain_penalty(&m),
            "matrix {i}"
        );
    }
}

pub(super) fn parse(bytes: &[u8]) -> printpdf::PdfDocument {
    let mut warnings = Vec::new();
    printpdf::PdfDocument::parse(bytes, &printpdf::PdfParseOptions::default(), &mut warnings)
        .unwrap()
}

pub(super) fn all_text(doc: &printpdf::PdfDocument) -> String {
    doc.extract_text()
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_sheet_holds_ten_labels_and_a_thermal_page_one() {
    let batch = peps(23);
    let sheet = parse(&labels_pdf(&header(), &batch, LabelLayout::LetterSheet).unwrap());
    assert_eq!(sheet.pages.len(), 3);
    let thermal = parse(&labels_pdf(&header(), &batch[..4], LabelLayout::Thermal4x6).unwrap());
    assert_eq!(thermal.pages.len(), 4);
}

#[test]
fn labels_carry_the_code_the_pep_the_sender_and_the_return_address_in_spanish() {
    let batch = peps(2);
    for layout in [LabelLayout::LetterSheet, LabelLayout::Thermal4x6] {
        let text = all_text(&parse(&labels_pdf(&header(), &batch, layout).unwrap()));
        for needle in [
            "Sobre-Postal-Voto",
            "Remitente",
            "Destinatario",
            "PEP-000001",
            "María José Peña Núñez 1",
            "1234 Calle Año Nuevo",
            "San José, CA 95112",
            "ESTADOS UNIDOS",
            "14300 MÉXICO",
            batch[1].code.as_str(),
        ] {
            assert!(
                text.contains(needle),
                "{layout:?}: {needle} missing from {text}"
            );
        }
    }
}

#[test]
fn the_pdf_creation_date_is_the_generation_time() {
    let bytes = labels_pdf(&header(), &peps(1), LabelLayout::Thermal4x6).unwrap();
    let needle = b"D:20220404151500";
    assert!(bytes.windows(needle.len()).any(|w| w == needle));
    assert!(!bytes.windows(6).any(|w| w == b"D:1970"));
}

#[test]
fn the_manifest_numbers_its_pages_and_totals_by_country() {
    let batch = peps(130);
    let total = manifest_page_count(&header(), &batch);
    assert!(total >= 3, "130 rows take several pages, got {total}");
    let doc = parse(&manifest_pdf(&header(), &batch).unwrap());
    assert_eq!(doc.pages.len(), total);
    let text = all_text(&doc);
    for needle in [
        format!("p. 1 de {total}"),
        format!("p. {total} de {total}"),
        "Totales por país".into(),
        "Estados Unidos".into(),
        "Canadá".into(),
        "104".into(),
        "26".into(),
        "RECEPCIÓN (transportista)".into(),
        "Número de PEP".into(),
        "María José Peña Núñez 130".into(),
        "1Z999AA10000000002".into(),
    ] {
        assert!(text.contains(&needle), "{needle} missing");
    }
}

#[test]
fn a_manifest_page_range_renders_alone_with_global_numbers() {
    let batch = peps(200);
    let layout = ManifestLayout::new(&header(), batch.len(), country_totals(&batch));
    let total = layout.page_count();
    assert_eq!(total, manifest_page_count(&header(), &batch));
    let rows = layout.peps_on_pages(1..2);
    assert!(!rows.is_empty() && rows.start > 0);
    let mut out = Vec::new();
    layout
        .write_pages_to(&mut out, &batch[rows.clone()], 1..2)
        .unwrap();
    let doc = parse(&out);
    assert_eq!(doc.pages.len(), 1);
    let text = all_text(&doc);
    assert!(text.contains(&format!("p. 2 de {total}")));
    assert!(text.contains(&batch[rows.start].recipient));
    assert!(!text.contains(&batch[rows.start - 1].recipient));
    let beyond = layout.write_pages_to(&mut Vec::new(), &[], total..total + 1);
    assert!(matches!(beyond, Err(DocumentError::PageRange { .. })));
    let wrong_rows = layout.write_pages_to(&mut Vec::new(), &batch, 1..2);
    assert!(matches!(wrong_rows, Err(DocumentError::PageRange { .. })));
}

#[test]
fn the_pages_of_a_manifest_show_every_pep_once_in_order() {
    let layout = ManifestLayout::new(&header(), 1000, vec![]);
    let mut next = 0;
    for page in 0..layout.page_count() {
        let rows = layout.peps_on_pages(page..page + 1);
        assert_eq!(rows.start, next);
        next = rows.end;
    }
    assert_eq!(next, 1000);
    assert_eq!(layout.peps_on_pages(0..layout.page_count()), 0..1000);
}

#[test]
fn an_empty_batch_still_has_a_manifest_page() {
    assert_eq!(manifest_page_count(&header(), &[]), 1);
    assert!(manifest_pdf(&header(), &[]).is_ok());
}

#[test]
fn a_label_that_cannot_fit_is_an_error_not_a_cut() {
    let mut batch = peps(3);
    batch[1].address_lines = vec!["Línea".to_string(); 9];
    batch[2].recipient = "Nombre ".repeat(30);
    let problems = label_problems(&header(), &batch, LabelLayout::LetterSheet);
    assert_eq!(problems.len(), 2);
    assert!(problems[0].to_string().starts_with("PEP PEP-000002: "));
    let err = labels_pdf(&header(), &batch, LabelLayout::LetterSheet).unwrap_err();
    assert!(matches!(err, DocumentError::DoesNotFit { .. }));
}

#[test]
fn characters_without_a_glyph_are_reported() {
    assert!(unsupported_chars("Peña Ñandú Müller Ærøskøbing").is_empty());
    assert_eq!(unsupported_chars("東京 x"), vec!['京', '東']);
}

#[test]
fn a_write_error_is_reported() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disco lleno"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let err = labels_pdf_to(&mut Broken, &header(), &peps(1), LabelLayout::LetterSheet);
    assert!(matches!(err, Err(DocumentError::Io(_))));
}

#[test]
fn the_courier_csv_has_the_contract_header_and_one_row_per_pep() {
    let csv = String::from_utf8(courier_csv(&peps(3))).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("pep_id,name,address_line1,address_line2,city,region,postal_code,country,phone,email")
    );
    assert_eq!(lines.next(), Some("PEP-000001,María José Peña Núñez 1,1234 Calle Año Nuevo,Apt. 5,San José,CA,95112,US,+1 408 555 0101,maria@example.com"));
    assert_eq!(lines.count(), 2);
}

#[test]
fn spreadsheet_formulas_in_the_courier_csv_are_neutralized() {
    let mut p = pep(1);
    p.recipient = "=HYPERLINK(\"http://x\")".to_string();
    p.address_lines = vec!["@SUM(A1)".to_string(), "-2+3".to_string(), "x".to_string()];
    p.city = "+cmd".to_string();
    p.email = None;
    let csv = String::from_utf8(courier_csv(&[p])).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[1], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&row[2], "'@SUM(A1)");
    assert_eq!(&row[3], "'-2+3, x");
    assert_eq!(&row[4], "'+cmd");
    assert_eq!(&row[9], "");
}
