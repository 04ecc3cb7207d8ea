//! The one reader of the project's CSV files (the LNERE list, the guías, any later file):
//! all rows or none. It checks the header column by column by name, hands each data row with
//! the right number of fields to a row parser, reports every refused field as
//! `line N: field: reason`, and ends with [`CsvError::Refused`] when anything was refused.
//!
//! One UTF-8 policy: a row that is not valid UTF-8 is one refused row (`row: no es texto UTF-8
//! válido`) and reading goes on, so every problem of the file is listed in one pass. A leading
//! byte-order mark is ignored. Only a failure to read the input stops the reader early.
//!
//! Pure: it reads from a reader it is given and never opens anything itself.

use std::io::Read;

/// One problem with one field of a row (or `header`, `row` for the whole line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        FieldError {
            field,
            reason: reason.into(),
        }
    }

    fn at(self, line: u64) -> RowError {
        RowError {
            line,
            field: self.field,
            reason: self.reason,
        }
    }
}

/// One refused field of one line of a file, printed as `line N: field: reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {field}: {reason}")]
pub struct RowError {
    pub line: u64,
    pub field: &'static str,
    pub reason: String,
}

/// Why a file was not taken.
#[derive(Debug, thiserror::Error)]
pub enum CsvError<E: std::fmt::Display> {
    /// Some rows were refused (each was reported): nothing of the file may be kept.
    #[error("{errors} errores en el archivo")]
    Refused { errors: u64 },
    /// The input could not be read at all.
    #[error("line {line}: row: no se pudo leer el archivo: {reason}")]
    Read { line: u64, reason: String },
    /// The row parser failed for a reason that is not the file's fault (a database error).
    #[error("{0}")]
    Parser(E),
}

/// What a row parser says about one row: `Ok(Ok(()))` taken, `Ok(Err(..))` refused fields,
/// `Err(..)` stop everything.
pub type RowOutcome<E> = Result<Result<(), Vec<FieldError>>, E>;

/// Callbacks of a running read: bytes read so far (every 4,096 lines), each refused field.
pub struct Observer<'a> {
    pub progress: &'a mut dyn FnMut(u64),
    pub error: &'a mut dyn FnMut(&RowError),
}

/// Checks a header row against `want`, column by column by name; the error names the first
/// column that differs. A byte-order mark before the first name is ignored.
pub fn check_header<'a>(
    want: &[&str],
    got: impl IntoIterator<Item = &'a str>,
) -> Result<(), FieldError> {
    let got: Vec<&str> = got.into_iter().collect();
    for (i, want) in want.iter().enumerate() {
        match got.get(i).map(|g| g.trim_start_matches('\u{feff}')) {
            Some(g) if g == *want => {}
            Some(g) => {
                return Err(FieldError::new(
                    "header",
                    format!("la columna {} es «{g}», se esperaba «{want}»", i + 1),
                ))
            }
            None => {
                return Err(FieldError::new(
                    "header",
                    format!("falta la columna {} «{want}»", i + 1),
                ))
            }
        }
    }
    if got.len() > want.len() {
        return Err(FieldError::new(
            "header",
            format!(
                "sobran columnas: {} (se esperaban {})",
                got.len(),
                want.len()
            ),
        ));
    }
    Ok(())
}

/// Reads `input` whose first row must be `header`, passing each data row (its line number and
/// exactly `header.len()` fields, untrimmed) to `row`. Returns the number of data rows when
/// none was refused.
pub fn read_all<R: Read, E: std::fmt::Display>(
    input: R,
    header: &[&str],
    mut row: impl FnMut(u64, &[&str]) -> RowOutcome<E>,
    obs: Observer,
) -> Result<u64, CsvError<E>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(input);
    let (mut errors, mut rows) = (0u64, 0u64);
    let mut report = |e: RowError| {
        errors += 1;
        (obs.error)(&e);
    };
    let mut rec = csv::StringRecord::new();
    let mut header_seen = false;
    loop {
        let line = rdr.position().line();
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => match e.kind() {
                csv::ErrorKind::Utf8 { .. } => {
                    let line = e.position().map_or(line, |p| p.line());
                    report(FieldError::new("row", "no es texto UTF-8 válido").at(line));
                    header_seen = true;
                    continue;
                }
                _ => {
                    return Err(CsvError::Read {
                        line,
                        reason: e.to_string(),
                    })
                }
            },
        }
        let line = rec.position().map_or(line, |p| p.line());
        if line.is_multiple_of(4096) {
            (obs.progress)(rec.position().map_or(0, |p| p.byte()));
        }
        if !std::mem::replace(&mut header_seen, true) {
            if let Err(e) = check_header(header, rec.iter()) {
                report(e.at(line));
                break;
            }
            continue;
        }
        rows += 1;
        if rec.len() != header.len() {
            let reason = format!("tiene {} campos, se esperaban {}", rec.len(), header.len());
            report(FieldError::new("row", reason).at(line));
            continue;
        }
        let fields: Vec<&str> = rec.iter().collect();
        if let Err(errs) = row(line, &fields).map_err(CsvError::Parser)? {
            errs.into_iter().for_each(|e| report(e.at(line)));
        }
    }
    if !header_seen {
        report(FieldError::new("header", "archivo vacío").at(1));
    }
    match errors {
        0 => Ok(rows),
        errors => Err(CsvError::Refused { errors }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: [&str; 2] = ["id", "name"];

    /// Reads `text` with a parser that refuses names starting with `x`; returns the outcome
    /// and every reported error as printed.
    fn read(text: &[u8]) -> (Result<u64, CsvError<String>>, Vec<String>) {
        let mut seen = Vec::new();
        let result = read_all(
            text,
            &HEADER,
            |_, f| -> RowOutcome<String> {
                if f[1].starts_with('x') {
                    return Ok(Err(vec![FieldError::new("name", "empieza con x")]));
                }
                if f[1] == "boom" {
                    return Err("base de datos caída".to_string());
                }
                Ok(Ok(()))
            },
            Observer {
                progress: &mut |_| {},
                error: &mut |e| seen.push(e.to_string()),
            },
        );
        (result, seen)
    }

    #[test]
    fn a_clean_file_gives_its_row_count() {
        let (r, errs) = read(b"\xef\xbb\xbfid,name\n1,a\n2,b\n");
        assert_eq!(r.unwrap(), 2);
        assert!(errs.is_empty());
    }

    #[test]
    fn every_refused_field_is_reported_with_its_line_and_the_file_is_refused() {
        let (r, errs) = read(b"id,name\n1,xa\n2,b,c\n3,b\n4,xd\n");
        assert!(matches!(r, Err(CsvError::Refused { errors: 3 })));
        assert_eq!(
            errs,
            [
                "line 2: name: empieza con x",
                "line 3: row: tiene 3 campos, se esperaban 2",
                "line 5: name: empieza con x",
            ]
        );
    }

    #[test]
    fn a_row_that_is_not_utf8_is_one_refused_row_and_reading_goes_on() {
        let (r, errs) = read(b"id,name\n1,\xff\n2,xb\n");
        assert!(matches!(r, Err(CsvError::Refused { errors: 2 })));
        assert_eq!(
            errs,
            [
                "line 2: row: no es texto UTF-8 válido",
                "line 3: name: empieza con x"
            ]
        );
    }

    #[test]
    fn the_header_is_checked_by_name_and_an_empty_file_is_refused() {
        let (_, errs) = read(b"id,nombre\n1,a\n");
        assert_eq!(
            errs,
            ["line 1: header: la columna 2 es «nombre», se esperaba «name»"]
        );
        let (_, errs) = read(b"id\n");
        assert_eq!(errs, ["line 1: header: falta la columna 2 «name»"]);
        let (_, errs) = read(b"id,name,extra\n");
        assert_eq!(
            errs,
            ["line 1: header: sobran columnas: 3 (se esperaban 2)"]
        );
        let (r, errs) = read(b"");
        assert!(matches!(r, Err(CsvError::Refused { errors: 1 })));
        assert_eq!(errs, ["line 1: header: archivo vacío"]);
    }

    #[test]
    fn a_parser_failure_stops_the_read() {
        let (r, _) = read(b"id,name\n1,boom\n2,xa\n");
        assert!(matches!(r, Err(CsvError::Parser(e)) if e == "base de datos caída"));
    }
}
