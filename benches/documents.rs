//! Documents benchmark: `labels.pdf` and `manifest.pdf` for 181,256 synthetic PEPs (the 2018
//! count), beside bare QR encoding of the same codes, in the same run.
//!
//! Run: `cargo bench --bench documents` (optionally `-- N`, `--threads T`, `--chunk LABELS`,
//! `--manifest-chunk PAGES`, `--thermal`, `--keep DIR`, `--only qr|labels|manifest`). The PEPs are generated chunk by chunk,
//! the way an export would read them from the database, and each chunk is written to its own
//! PDF file: printpdf holds a whole document in memory, so one 18,000-page file would not fit
//! the memory budget. Labels are chunked on page boundaries; manifest files carry the global
//! "p. X de Y". Prints labels/s, pages/s, seconds and the peak RSS of each phase (VmHWM, reset
//! between phases).

#![allow(clippy::unwrap_used)] // a benchmark: a failed unwrap is a failed run

#[path = "support.rs"]
mod support;
use support::{peak_rss_mb, reset_peak_rss};

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use chrono::TimeZone;
use pep_tracker::documents::{
    labels_pdf_to, qr_matrix, BatchHeader, CountryTotal, LabelLayout, ManifestLayout, PepLine,
};
use pep_tracker::domain::code::{CodeId, EnvelopeCode};

const KEY: [u8; 32] = [42; 32];
/// (ISO2, Spanish name, weight in 10,000ths): about the 2018 mix, 94% USA.
const COUNTRIES: [(&str, &str, u64); 10] = [
    ("US", "Estados Unidos", 9_400),
    ("CA", "Canadá", 250),
    ("ES", "España", 120),
    ("DE", "Alemania", 60),
    ("FR", "Francia", 50),
    ("GB", "Reino Unido", 40),
    ("IT", "Italia", 25),
    ("AR", "Argentina", 20),
    ("CL", "Chile", 20),
    ("JP", "Japón", 15),
];
const GIVEN: [&str; 8] = [
    "María José",
    "José Ángel",
    "Begoña",
    "Íñigo",
    "Ximena",
    "Raúl",
    "Zoë",
    "Jesús",
];
const SURNAMES: [&str; 8] = [
    "Peña",
    "Núñez",
    "Muñoz",
    "Ibáñez",
    "García",
    "López",
    "Hernández",
    "Güémez",
];

struct Args {
    n: usize,
    threads: usize,
    chunk: usize,
    manifest_chunk: usize,
    layout: LabelLayout,
    keep: Option<PathBuf>,
    /// Phases to run: `qr`, `labels`, `manifest` (all by default).
    only: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        n: 181_256,
        threads: 2,
        chunk: 2_000,
        manifest_chunk: 250,
        layout: LabelLayout::LetterSheet,
        keep: None,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().and_then(|v| v.parse().ok()).expect("a number");
        match arg.as_str() {
            "--threads" => a.threads = value(),
            "--chunk" => a.chunk = value(),
            "--manifest-chunk" => a.manifest_chunk = value(),
            "--thermal" => a.layout = LabelLayout::Thermal4x6,
            "--keep" => a.keep = it.next().map(PathBuf::from),
            "--only" => a.only = it.next(),
            "--bench" => {}
            other => a.n = other.parse().unwrap_or(a.n),
        }
    }
    a.chunk = a.chunk.div_ceil(a.layout.labels_per_page()) * a.layout.labels_per_page();
    a
}

fn mix(i: usize) -> u64 {
    // splitmix64: a cheap, deterministic stand-in for the database's contents.
    let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn country_of(i: usize) -> usize {
    let mut r = mix(i) % 10_000;
    COUNTRIES
        .iter()
        .position(|c| {
            let hit = r < c.2;
            r = r.saturating_sub(c.2);
            hit
        })
        .unwrap_or(0)
}

fn code_of(i: usize) -> EnvelopeCode {
    EnvelopeCode::issue(&KEY, CodeId::new(mix(i) >> 24).expect("40 bits"))
}

fn synth(i: usize) -> PepLine {
    let (iso, name, _) = COUNTRIES[country_of(i)];
    let r = mix(i + 1_000_000) as usize;
    PepLine {
        pep_id: format!("01-{i:07}-1"),
        recipient: format!(
            "{} {} {}",
            GIVEN[r % 8],
            SURNAMES[(r >> 3) % 8],
            SURNAMES[(r >> 6) % 8]
        ),
        address_lines: vec![
            format!("{} Calle Año Nuevo", r % 9000 + 100),
            format!("Apt. {}", r % 97),
        ],
        city: "San José".to_string(),
        region: Some("CA".to_string()),
        postal_code: format!("{:05}", r % 99_999),
        country: iso.to_string(),
        country_name: name.to_string(),
        phone: Some(format!("+1 408 555 {:04}", r % 10_000)),
        email: None,
        guia: Some(format!("1Z999AA1{:010}", r % 10_000_000_000)),
        code: code_of(i),
    }
}

fn header() -> BatchHeader {
    BatchHeader {
        election: "Proceso Electoral Federal 2017-2018".to_string(),
        batch_name: "Benchmark · todos los PEP".to_string(),
        batch_id: 1,
        generated_on: "21 de mayo de 2018, 09:00".to_string(),
        generated_at: chrono::Utc.with_ymd_and_hms(2018, 5, 21, 14, 0, 0).unwrap(),
        return_address: vec![
            "Instituto Nacional Electoral".to_string(),
            "Apartado Postal 2018-VMRE".to_string(),
            "Ciudad de México".to_string(),
            "14300 MÉXICO".to_string(),
        ],
    }
}

/// Run `job(k)` for k in 0..jobs on `threads` threads; returns the bytes written.
fn parallel(threads: usize, jobs: usize, job: impl Fn(usize) -> u64 + Sync) -> u64 {
    let next = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= jobs {
                    break;
                }
                bytes.fetch_add(job(k) as usize, Ordering::Relaxed);
            });
        }
    });
    bytes.into_inner() as u64
}

fn write_file(path: &Path, render: impl FnOnce(&mut BufWriter<std::fs::File>)) -> u64 {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).expect("create"));
    render(&mut out);
    out.flush().expect("flush");
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn bench_qr(n: usize) {
    let codes: Vec<EnvelopeCode> = (0..n).map(code_of).collect();
    let t = Instant::now();
    let mut dark = 0usize;
    for c in &codes {
        let qr = qrcode::QrCode::with_version(
            c.as_str(),
            qrcode::Version::Normal(2),
            qrcode::EcLevel::H,
        )
        .expect("fits 2-H");
        dark += qr
            .to_colors()
            .iter()
            .filter(|&&m| m == qrcode::Color::Dark)
            .count();
    }
    let bare = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for c in &codes {
        dark += qr_matrix(c).dark.iter().filter(|&&d| d).count();
    }
    let ours = t.elapsed().as_secs_f64();
    println!(
        "qr, 1 thread: qrcode::QrCode::with_version(2-H) {n} codes in {bare:.2} s ({:.0} codes/s); \
         documents::qr_matrix {ours:.2} s ({:.0} codes/s) [{dark} dark modules]",
        n as f64 / bare,
        n as f64 / ours
    );
}

fn bench_labels(a: &Args, dir: &Path) -> f64 {
    let header = header();
    let jobs = a.n.div_ceil(a.chunk);
    reset_peak_rss();
    let t = Instant::now();
    let bytes = parallel(a.threads, jobs, |k| {
        let range = k * a.chunk..((k + 1) * a.chunk).min(a.n);
        let peps: Vec<PepLine> = range.map(synth).collect();
        write_file(&dir.join(format!("labels-{k:04}.pdf")), |w| {
            labels_pdf_to(w, &header, &peps, a.layout).expect("labels")
        })
    });
    let s = t.elapsed().as_secs_f64();
    let pages = a.n.div_ceil(a.layout.labels_per_page());
    println!(
        "labels ({:?}): {} labels, {pages} pages, {jobs} files, {:.0} MB in {s:.2} s: \
         {:.0} labels/s, {:.0} pages/s, peak RSS {:.0} MB ({} threads)",
        a.layout,
        a.n,
        bytes as f64 / 1e6,
        a.n as f64 / s,
        pages as f64 / s,
        peak_rss_mb(),
        a.threads
    );
    s
}

fn bench_manifest(a: &Args, dir: &Path) -> f64 {
    let header = header();
    reset_peak_rss();
    let t = Instant::now();
    let mut counts = vec![0usize; COUNTRIES.len()];
    (0..a.n).for_each(|i| counts[country_of(i)] += 1);
    let totals = COUNTRIES
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| CountryTotal {
            country: c.0.to_string(),
            country_name: c.1.to_string(),
            peps: n,
        })
        .collect();
    let layout = ManifestLayout::new(&header, a.n, totals);
    let pages = layout.page_count();
    let jobs = pages.div_ceil(a.manifest_chunk);
    let bytes = parallel(a.threads, jobs, |k| {
        let range = k * a.manifest_chunk..((k + 1) * a.manifest_chunk).min(pages);
        let peps: Vec<PepLine> = layout.peps_on_pages(range.clone()).map(synth).collect();
        write_file(&dir.join(format!("manifest-{k:03}.pdf")), |w| {
            layout.write_pages_to(w, &peps, range).expect("manifest")
        })
    });
    let s = t.elapsed().as_secs_f64();
    println!(
        "manifest: {} rows, {pages} pages, {jobs} files, {:.0} MB in {s:.2} s: {:.0} rows/s, \
         {:.0} pages/s, peak RSS {:.0} MB ({} threads)",
        a.n,
        bytes as f64 / 1e6,
        a.n as f64 / s,
        pages as f64 / s,
        peak_rss_mb(),
        a.threads
    );
    s
}

fn main() {
    let a = args();
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = a.keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).expect("output dir");
    println!(
        "documents benchmark: {} PEPs, labels in files of {}, manifest in files of {} pages",
        a.n, a.chunk, a.manifest_chunk
    );
    let run = |phase: &str| a.only.as_deref().is_none_or(|only| only == phase);
    if run("qr") {
        reset_peak_rss();
        bench_qr(a.n);
        println!("  peak RSS {:.0} MB", peak_rss_mb());
    }
    let labels = if run("labels") {
        bench_labels(&a, &dir)
    } else {
        0.0
    };
    let manifest = if run("manifest") {
        bench_manifest(&a, &dir)
    } else {
        0.0
    };
    if a.only.is_none() {
        println!("whole set (labels + manifest): {:.2} s", labels + manifest);
    }
}
