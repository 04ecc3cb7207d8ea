//! A report table as a grid of typed cells: the one shape every format writes (the page, CSV,
//! XLSX, PDF), so that each table is assembled once and each format is written once. Also the
//! es-MX number notation: thousands separated by commas, decimals after a point (1,234.56).

use serde::Serialize;

/// One cell: text, a count, or a decimal number shown with a fixed number of places.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Int(i64),
    Dec {
        value: f64,
        places: usize,
    },
    /// Nothing to show (a mean of no values).
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A decimal rounded to `places` for display; `None` is an empty cell.
    pub fn dec(value: Option<f64>, places: usize) -> Cell {
        match value {
            Some(value) if value.is_finite() => Cell::Dec { value, places },
            _ => Cell::Empty,
        }
    }

    /// The cell as people read it in Mexico: `1,234` and `45.29`.
    pub fn es_mx(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => thousands(*n),
            Cell::Dec { value, places } => decimal(*value, *places),
            Cell::Empty => "—".to_string(),
        }
    }

    /// The cell as a machine reads it (CSV): no thousands separators, a decimal point.
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Dec { value, places } => format!("{value:.places$}"),
            Cell::Empty => String::new(),
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Dec { .. })
    }
}

/// A report table: a title, column headings, rows, and a total row when the table has one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    /// The file and sheet stem (`entidades`, `paises`, …).
    pub key: &'static str,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub total: Option<Vec<Cell>>,
    /// What the table counts and how, printed under it.
    pub note: String,
}

/// An integer with thousands separated by commas (es-MX): `1,882,345`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A decimal with `places` digits after a point and thousands separated by commas:
/// `1,234.56`.
pub fn decimal(x: f64, places: usize) -> String {
    let text = format!("{:.places$}", x.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let whole: i64 = whole.parse().unwrap_or(0);
    let sign = if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{}", thousands(whole))
    } else {
        format!("{sign}{}.{frac}", thousands(whole))
    }
}

/// `x` rounded to `places` decimals.
pub fn round_to(x: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (x * k).round() / k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_mexican_way() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_234), "1,234");
        assert_eq!(thousands(-1_882_345), "-1,882,345");
        assert_eq!(decimal(1234.5678, 2), "1,234.57");
        assert_eq!(decimal(45.294, 2), "45.29");
        assert_eq!(decimal(-0.001, 2), "0.00");
        assert_eq!(decimal(-1234.5, 1), "-1,234.5");
        assert_eq!(Cell::Int(56_249).es_mx(), "56,249");
        assert_eq!(Cell::Int(56_249).plain(), "56249");
        assert_eq!(Cell::dec(Some(45.2949), 2).plain(), "45.29");
        assert_eq!(Cell::dec(None, 2), Cell::Empty);
    }
}
